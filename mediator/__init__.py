"""mediator: offline case ledger for township people's mediation committees.

Kept deliberately light: importing ``mediator`` must not import textual or sqlmodel, so the
CLI starts fast and the core stays usable without the terminal UI.
"""

__version__ = "0.1.0"
