"""Access: accounts and tokens (`accounts`), roles (`roles`), the per-request gate (`gate`),
the audit log (`audit`), libraries (`libraries`) and the count of raw uploads
(`upload_limit`). The UI and the CLI call these; nothing here imports them."""

from qa.access.accounts import Accounts
from qa.access.gate import Gate, is_loopback
from qa.access.roles import Caller, require

__all__ = ["Accounts", "Caller", "Gate", "is_loopback", "require"]
