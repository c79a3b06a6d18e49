"""How an answer is chosen: `decision` turns the reader's scores into answer / abstain."""
