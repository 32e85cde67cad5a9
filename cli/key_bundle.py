"""`borderlabour keys export` / `keys import`: the keys backed up apart from the database, encrypted.

The bundle holds the data keys (the key file) and the ledger's signing key, encrypted with
AES-256-GCM under a key derived from a passphrase by scrypt; a wrong passphrase or an edited bundle
fails to open, never yields other keys. The head file is not in it: it is this host's own record
of the ledger's end, and a restored host starts from its own.

The passphrase is read from the file `--passphrase-file` names, else `BORDERLABOUR_KEYS_PASSPHRASE`,
else asked for on the terminal; never from the command line, where other users see it.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import json
import os
import sys
from pathlib import Path

from cli.errors import CommandFailed
from cli.files import write_private
from cli.language import say
from locales import N_
from settings import SetupError

FORMAT = "borderlabour-keys/1"
PASSPHRASE_ENV = "BORDERLABOUR_KEYS_PASSPHRASE"
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MIN_PASSPHRASE = 12
PASSPHRASE_HELP = f"a file holding the passphrase (or ${PASSPHRASE_ENV})"


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _passphrase(args: argparse.Namespace, confirm: bool) -> str:
    if args.passphrase_file is not None:
        text = Path(args.passphrase_file).read_text().rstrip("\n")
    elif os.environ.get(PASSPHRASE_ENV):
        text = os.environ[PASSPHRASE_ENV]
    elif sys.stdin.isatty():
        text = getpass.getpass("passphrase for the key bundle: ")
        if confirm and getpass.getpass("again: ") != text:
            raise SetupError("the two passphrases differ")
    else:
        raise SetupError("no passphrase: give --passphrase-file FILE or set {env}", env=PASSPHRASE_ENV)
    if confirm and len(text) < MIN_PASSPHRASE:
        raise SetupError("the passphrase must have at least {n} characters", n=MIN_PASSPHRASE)
    return text


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def export_keys(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from ledger.keys import LedgerFiles

    key_file = args.settings.key_path
    files = LedgerFiles.beside_keys(key_file)
    for path in (key_file, files.signing_key):
        if not path.exists():
            raise SetupError("{path} not found: there are no keys to export here", path=path)
    if args.output.exists():
        raise SetupError("{path} exists: the bundle is written to a new file", path=args.output)
    secret = json.dumps({"keys": key_file.read_text(), "ledgerKey": files.signing_key.read_text()}).encode()
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _derive(_passphrase(args, confirm=True), salt, **SCRYPT)
    sealed = AESGCM(key).encrypt(nonce, secret, FORMAT.encode())
    bundle = {"format": FORMAT, "kdf": {"scrypt": SCRYPT, "salt": _b64(salt)}, "nonce": _b64(nonce)}
    bundle["ciphertext"] = _b64(sealed)
    write_private(args.output, json.dumps(bundle, indent=2) + "\n")
    say(
        N_("keys of {keys} exported, encrypted, to {path}: keep it apart from the backups"),
        keys=key_file,
        path=args.output,
    )
    return 0


def import_keys(args: argparse.Namespace) -> int:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from ledger.keys import LedgerFiles

    key_file = args.settings.key_path
    files = LedgerFiles.beside_keys(key_file)
    present = [str(p) for p in (key_file, files.signing_key) if p.exists()]
    if present:
        message = "{paths} exist: keys are imported only where there are none"
        raise SetupError(message, paths=", ".join(present))
    try:
        bundle = json.loads(args.input.read_text())
        if bundle.get("format") != FORMAT:
            raise ValueError(bundle.get("format"))
        salt = base64.b64decode(bundle["kdf"]["salt"])
        params = {k: int(v) for k, v in bundle["kdf"]["scrypt"].items()}
        nonce, sealed = base64.b64decode(bundle["nonce"]), base64.b64decode(bundle["ciphertext"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SetupError("{path} is not a key bundle of `borderlabour keys export`", path=args.input) from exc
    key = _derive(_passphrase(args, confirm=False), salt, **params)
    try:
        secret = json.loads(AESGCM(key).decrypt(nonce, sealed, FORMAT.encode()))
    except InvalidTag:
        raise CommandFailed("the passphrase is wrong, or the bundle was altered") from None
    key_file.parent.mkdir(parents=True, exist_ok=True)
    write_private(key_file, secret["keys"])
    write_private(files.signing_key, secret["ledgerKey"])
    say(N_("keys imported to {keys} and {signing}"), keys=key_file, signing=files.signing_key)
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    e = sub.add_parser("export", parents=[common], help="write the keys to an encrypted bundle")
    e.add_argument("--output", type=Path, required=True, help="the new bundle file")
    e.add_argument("--passphrase-file", type=Path, help=PASSPHRASE_HELP)
    e.set_defaults(func=export_keys)
    i = sub.add_parser("import", parents=[common], help="write a bundle's keys where none are")
    i.add_argument("input", type=Path, help="a bundle `keys export` wrote")
    i.add_argument("--passphrase-file", type=Path, help=PASSPHRASE_HELP)
    i.set_defaults(func=import_keys)
