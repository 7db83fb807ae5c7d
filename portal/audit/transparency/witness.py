"""The witness: an independent co-signer of the audit log's checkpoints.

Run as a second organisation would run it, on its own machine or at least as its own process
with its own key and its own storage, and without Django or access to the portal's database:

    python -m portal.audit.transparency.witness --listen 127.0.0.1:8771 \\
        --key /witness/key --state /witness/state --log-vkey 'veilighuis.example/audit+…'

It speaks the C2SP tlog-witness protocol (https://c2sp.org/tlog-witness): ``POST
/add-checkpoint`` with ``old <size>``, the consistency proof from that size (one base64 hash a
line), a blank line and the log's signed checkpoint. It checks the log's signature, that the
old size is the one it last cosigned (else 409 with its size), and that the proof shows the new
tree extends the old one (else 422): a checkpoint that rewrites, reorders or shortens history,
or a second checkpoint of the same size with another root, is never cosigned. What it cosigned
is written to disk (fsync, then an atomic rename, and a line in ``history``) before it answers,
so a witness killed and restarted forgets nothing. ``GET /checkpoint`` returns the latest
cosigned checkpoint, for anyone who wants to compare what they were shown with what it saw.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import logging
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .merkle import verify_consistency
from .note import (
    SIG_COSIGNATURE_V1,
    Checkpoint,
    Note,
    NoteError,
    Signer,
    Verifier,
    cosign,
    generate_key_file,
    is_number,
    load_signer,
)

logger = logging.getLogger("witness")
MAX_BODY = 64 * 1024
TIMEOUT = 10  # seconds a client may take to send its request (a slow one blocks nobody else)


class Refusal(Exception):
    def __init__(self, status: int, message: str, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body or message + "\n"


class Witness:
    """The witness's state for one log: the latest checkpoint it cosigned."""

    def __init__(self, *, signer: Signer, logs: list[Verifier], state: Path) -> None:
        self.signer = signer
        self.logs = logs  # one log; more than one key while its key is rotated
        self.state = state
        self.state.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.latest: Note | None = None
        latest = self.state / "latest"
        if latest.exists():
            self.latest = Note.parse(latest.read_text())

    @property
    def size(self) -> int:
        return Checkpoint.parse(self.latest.text).size if self.latest else 0

    def add_checkpoint(self, body: str) -> str:
        """The cosignature line for a checkpoint that extends what this witness saw."""
        head, separator, note_text = body.partition("\n\n")
        if not separator:
            raise Refusal(400, "expected old size, proof, a blank line and the checkpoint")
        lines = head.split("\n")
        if not lines[0].startswith("old ") or not is_number(lines[0][4:]):
            raise Refusal(400, "the first line is: old <size>")
        old_size = int(lines[0][4:])
        try:
            proof = [base64.b64decode(line, validate=True) for line in lines[1:] if line]
            note = Note.parse(note_text)
            checkpoint = Checkpoint.parse(note.text)
        except (NoteError, ValueError) as error:
            raise Refusal(400, f"malformed: {error}") from error
        if all(checkpoint.origin != log.name for log in self.logs):
            raise Refusal(404, "unknown log")
        if not any(note.signed_by(log) for log in self.logs):
            raise Refusal(403, "not signed by the log's key")
        if old_size > checkpoint.size:
            raise Refusal(400, "the old size is larger than the checkpoint")
        with self._lock:
            if old_size != self.size:
                raise Refusal(409, "old size is not the one last cosigned", f"{self.size}\n")
            old_root = Checkpoint.parse(self.latest.text).root if self.latest else b""
            consistent = (
                not proof
                if old_size == 0
                else verify_consistency(old_size, checkpoint.size, old_root, checkpoint.root, proof)
            )
            if not consistent:
                raise Refusal(422, "the checkpoint does not extend the one last cosigned")
            signature = cosign(note, self.signer, int(time.time()))
            self._persist(note.with_signature(signature), checkpoint)
            return signature.line()

    def _persist(self, note: Note, checkpoint: Checkpoint) -> None:
        text = note.render()
        temporary = self.state / "latest.tmp"
        with open(temporary, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.state / "latest")
        with open(self.state / "history", "a") as history:
            history.write(f"{checkpoint.size} {base64.b64encode(checkpoint.root).decode()}\n")
            history.flush()
            os.fsync(history.fileno())
        self.latest = note


def _handler(witness: Witness) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "veilighuis-witness"
        sys_version = ""
        timeout = TIMEOUT

        def _answer(self, status: int, body: str, content_type: str = "text/plain") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path != "/checkpoint":
                self._answer(404, "not found\n")
            elif witness.latest is None:
                self._answer(404, "nothing cosigned yet\n")
            else:
                self._answer(200, witness.latest.render())

        def do_POST(self) -> None:
            if self.path != "/add-checkpoint":
                self._answer(404, "not found\n")
                return
            declared = self.headers.get("Content-Length") or "0"
            length = int(declared) if is_number(declared) else 0
            if not 0 < length <= MAX_BODY:
                self._answer(400, "body missing or too large\n")
                return
            body = self.rfile.read(length).decode("utf-8", "replace")
            try:
                line = witness.add_checkpoint(body)
            except Refusal as refusal:
                logger.warning("refused a checkpoint: %s", refusal)
                kind = "text/x.tlog.size" if refusal.status == 409 else "text/plain"
                self._answer(refusal.status, refusal.body, kind)
                return
            self._answer(200, line)

        def log_message(self, format: str, *args: object) -> None:
            logger.info("%s " + format, self.address_string(), *args)

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:8771")
    parser.add_argument("--key", type=Path, required=True, help="private key file (created)")
    parser.add_argument("--name", default="witness.example/veilighuis")
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--log-vkey", required=True, action="append", help="repeatable")
    parser.add_argument("--print-vkey", action="store_true", help="print the public key, exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s witness %(message)s")
    if not args.key.exists():
        args.key.parent.mkdir(parents=True, exist_ok=True)
        generate_key_file(args.key)
    signer = load_signer(args.key, name=args.name, sig_type=SIG_COSIGNATURE_V1)
    if args.print_vkey:
        print(signer.verifier.vkey)
        return 0
    logs = [Verifier.parse(key) for key in args.log_vkey]
    witness = Witness(signer=signer, logs=logs, state=args.state)
    host, _, port = args.listen.rpartition(":")
    # One thread a connection: a client that connects and sends nothing (or slowly) would
    # otherwise hold the only one; ``Witness._lock`` keeps the cosigning one at a time.
    server = ThreadingHTTPServer((host, int(port)), _handler(witness))
    server.daemon_threads = True
    logger.info("cosigning for %s as %s on %s", logs[0].name, signer.verifier.vkey, args.listen)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
