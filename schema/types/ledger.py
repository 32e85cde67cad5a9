"""The ledger's signed checkpoint, readable by every office with no purpose: it names no one."""

import strawberry

from ledger.checkpoints import current_checkpoint
from schema.context import Info


@strawberry.type(
    description="A signed statement that the ledger's entry `seq` has hash `entryHash`. Keep it: "
    "`borderlabour audit verify --checkpoint FILE` proves the ledger still holds that entry, unaltered."
)
class LedgerCheckpoint:
    seq: int
    entry_hash: str
    signed_at: str = strawberry.field(description="When the entry it names was signed.")
    signature: str = strawberry.field(description="Ed25519, hex, over the checkpoint's fields.")
    public_key: str = strawberry.field(description="The registry's ledger key, raw Ed25519, base64.")


def ledger_checkpoint(info: Info) -> LedgerCheckpoint:
    key = info.context.ledger_key
    if key is None:
        raise RuntimeError("this registry has no ledger key")
    c = current_checkpoint(info.context.session, key)
    return LedgerCheckpoint(
        seq=c.seq,
        entry_hash=c.entry_hash,
        signed_at=c.signed_at,
        signature=c.signature,
        public_key=c.public_key,
    )
