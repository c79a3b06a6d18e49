"""A second team's document for the library tests: facts that the India–Japan article does not
hold, and fifty questions about them (two per fact, asked in two ways)."""

from __future__ import annotations

FACTS = [
    ("The Kestrel Lab was founded in 1987 by the marine biologist Ilse Marwood.",
     "the Kestrel Lab"),
    ("Its research vessel, the Petrel Dawn, carries a crew of fourteen.", "the Petrel Dawn"),
    ("The lab studies the migration of basking sharks off the Hebrides.", "basking sharks"),
    ("Each summer the team tags about sixty sharks with acoustic transmitters.",
     "acoustic transmitters"),
    ("The tagging season runs from late June to the end of August.", "the tagging season"),
    ("Funding comes mainly from the Orkney Maritime Trust.", "the Orkney Maritime Trust"),
    ("The annual budget of the lab is 2.4 million pounds.", "the annual budget"),
    ("Marwood retired in 2014 and was succeeded by Tomas Ferreira.", "Tomas Ferreira"),
    ("Ferreira introduced drone surveys of plankton blooms.", "drone surveys"),
    ("The drones are launched from a pontoon in Stromness harbour.", "Stromness harbour"),
    ("A plankton bloom draws the sharks towards the surface.", "plankton blooms"),
    ("The lab's archive holds 31,000 photographs of dorsal fins.", "dorsal fins"),
    ("Volunteers match fin photographs by their notches and scars.", "fin photographs"),
    ("The lab publishes an open catalogue of identified sharks.", "the open catalogue"),
    ("In 2019 a shark named Corrie was tracked to the Azores.", "the shark named Corrie"),
    ("Corrie covered 3,200 kilometres in eleven weeks.", "Corrie's journey"),
    ("The lab's winter work is analysing the acoustic receiver data.", "the winter work"),
    ("Receivers are moored on the seabed at depths of forty metres.", "the receivers"),
    ("Storms in 2021 destroyed nine of the receivers.", "the storms of 2021"),
    ("Replacement receivers were paid for by a crowdfunding appeal.", "the crowdfunding appeal"),
    ("The lab trains twelve graduate students a year.", "the graduate students"),
    ("Students spend a month aboard the Petrel Dawn.", "a month aboard"),
    ("The lab's mascot is a carved wooden shark called Barnacle.", "Barnacle"),
    ("Barnacle hangs above the door of the lab's kitchen.", "the lab's kitchen"),
    ("The lab hosts an open day every September for local schools.", "the open day"),
]

DOCUMENT = "# Kestrel Lab field notes\n\n" + "\n\n".join(
    " ".join(sentence for sentence, _ in FACTS[i:i + 2]) for i in range(0, len(FACTS), 2)) + "\n"

QUESTIONS = [q for sentence, topic in FACTS
             for q in (f"What does it say about {topic}?",
                       f"{sentence.rstrip('.').split(' ', 1)[1].split(',')[0]}: is that so?")]

assert len(QUESTIONS) == 50
