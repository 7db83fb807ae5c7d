"""The signer: reads the audit records, writes signed checkpoints outside the database and has
them cosigned by the witnesses. It runs as a process of its own (``manage.py audit_signer``,
``entrypoint.sh signer``) because it alone holds the log's private key: the web processes never
read ``AUDIT_SIGNER_KEY_FILE``, so whoever takes over a web process, or the database, cannot sign
a history of their own.

Before it signs anything it checks that the records still hash to the latest checkpoint it wrote
(the same leaves at the same places, none changed, none removed) and that each new record links
to the one before. If not, it signs nothing and says so: a trail tampered with is never
checkpointed as if it were whole.

Off the request path: a request appends its record and is done; the tree and the signature are
this process's work, every ``AUDIT_CHECKPOINT_SECONDS`` and once more when it is stopped.
"""

from __future__ import annotations

import base64
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

from ..chain import GENESIS_HASH
from .log import CheckpointStore, iter_records, leaf_of
from .merkle import Tree
from .note import Checkpoint, Note, Signer, load_signer, sign_note

logger = logging.getLogger("portal.audit.signer")


class TrailDoesNotMatch(Exception):
    """The records no longer hash to what was checkpointed, or a new one does not link."""


@dataclass
class WitnessState:
    url: str
    size: int | None = None  # the size it last cosigned, when known


@dataclass
class LogSigner:
    signer: Signer
    store: CheckpointStore
    origin: str
    witnesses: list[WitnessState] = field(default_factory=list)
    tree: Tree = field(default_factory=Tree)
    last_id: int = 0
    head: str = GENESIS_HASH

    @classmethod
    def from_settings(cls) -> LogSigner:
        key_file = settings.AUDIT_SIGNER_KEY_FILE
        directory = settings.AUDIT_CHECKPOINT_DIR
        if not key_file or not directory:
            raise RuntimeError("set AUDIT_SIGNER_KEY_FILE and AUDIT_CHECKPOINT_DIR")
        return cls(
            signer=load_signer(Path(key_file), name=settings.AUDIT_LOG_ORIGIN),
            store=CheckpointStore(directory),
            origin=settings.AUDIT_LOG_ORIGIN,
            witnesses=[WitnessState(url.rstrip("/")) for url in settings.AUDIT_WITNESS_URLS],
        )

    # --- reading the records ---------------------------------------------------------------

    def read_new_records(self) -> int:
        """Append the records written since the last read; check each links to the last."""
        added = 0
        for record_id, prev_hash, record_hash, _at in iter_records(self.last_id):
            if prev_hash != self.head:
                raise TrailDoesNotMatch(f"record {record_id} does not link to the record before")
            self.tree.append(leaf_of(record_hash))
            self.last_id, self.head = record_id, record_hash
            added += 1
        return added

    def check_against_latest(self) -> None:
        """The records read so far must hash to every checkpoint already in the store."""
        for size in self.store.sizes():
            note = self.store.signed(size)
            if note is None:
                continue
            checkpoint = Checkpoint.parse(note.text)
            if checkpoint.size > self.tree.size:
                raise TrailDoesNotMatch(
                    f"checkpoint {checkpoint.size} holds more records than the trail "
                    f"({self.tree.size}): records were removed"
                )
            if self.tree.root(checkpoint.size) != checkpoint.root:
                raise TrailDoesNotMatch(f"the first {checkpoint.size} records were changed")

    # --- checkpoints --------------------------------------------------------------------------

    def checkpoint(self) -> Note | None:
        """Sign and store a checkpoint of the records so far, if there are new ones."""
        latest = self.store.latest_signed()
        if latest is not None and Checkpoint.parse(latest.text).size == self.tree.size:
            return None
        checkpoint = Checkpoint(
            origin=self.origin,
            size=self.tree.size,
            root=self.tree.root(),
            head=self.head,
            time=int(time.time()),
        )
        note = sign_note(checkpoint.text(), self.signer)
        self.store.add_signed(note)
        logger.info("checkpoint %s signed", checkpoint.size)
        return note

    def submit_pending(self) -> int:
        """Send every checkpoint not yet cosigned to each witness, oldest first; a witness
        that is down is tried again at the next round (nothing is lost: the checkpoints wait
        in the store). Returns how many were cosigned."""
        cosigned = 0
        for size in self.store.pending():
            note = self.store.signed(size)
            if note is None:
                continue
            signatures = []
            for witness in self.witnesses:
                line = self._submit(witness, note)
                if line is None:
                    break
                signatures.append(line)
            else:
                if signatures:
                    witnessed = Note.parse(note.render() + "".join(signatures))
                    self.store.add_witnessed(witnessed)
                    cosigned += 1
                    continue
            break  # a witness is unreachable or refused: keep the order, try later
        return cosigned

    def _submit(self, witness: WitnessState, note: Note) -> str | None:
        checkpoint = Checkpoint.parse(note.text)
        for _attempt in range(2):
            old = witness.size if witness.size is not None else 0
            if old > checkpoint.size:
                logger.error(
                    "witness %s has cosigned more than checkpoint %s", witness.url, checkpoint.size
                )
                return None
            proof = self.tree.consistency_proof(old, checkpoint.size)
            body = (
                f"old {old}\n"
                + "".join(base64.b64encode(p).decode() + "\n" for p in proof)
                + "\n"
                + note.render()
            ).encode()
            request = urllib.request.Request(  # noqa: S310 (a configured https/http URL)
                f"{witness.url}/add-checkpoint", data=body, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    witness.size = checkpoint.size
                    line: str = response.read().decode()
                    return line
            except urllib.error.HTTPError as error:
                answer = error.read().decode(errors="replace").strip()
                if error.code == 409 and answer.isdigit():
                    witness.size = int(answer)  # it told us where it stands: once more
                    continue
                logger.error(
                    "witness %s refused checkpoint %s: %s %s",
                    witness.url,
                    checkpoint.size,
                    error.code,
                    answer[:200],
                )
                if 400 <= error.code < 500:  # a refusal (a server error is tried again)
                    # Kept beside the checkpoint, so audit_verify names it, not only this log.
                    self.store.add_refusal(checkpoint.size, f"{witness.url}: {error.code} {answer}")
                return None
            except OSError as error:
                logger.warning("witness %s unreachable: %s", witness.url, error)
                return None
        return None

    def round(self) -> None:
        """One round: read, check, sign, submit."""
        close_old_connections()  # a long-lived process: drop a connection the server closed
        self.read_new_records()
        self.checkpoint()
        self.submit_pending()


def run(*, once: bool = False, stop: object = None) -> int:
    """The signer's loop. ``stop`` is a ``threading.Event``-like object set on SIGTERM."""
    log = LogSigner.from_settings()
    try:
        log.read_new_records()
        log.check_against_latest()
    except TrailDoesNotMatch as error:
        logger.critical("audit trail does not match its checkpoints: %s; nothing signed", error)
        return 2
    interval = float(settings.AUDIT_CHECKPOINT_SECONDS)
    while True:
        try:
            log.round()
        except TrailDoesNotMatch as error:
            logger.critical("audit trail changed under the signer: %s; nothing signed", error)
            return 2
        except Exception:
            logger.exception("checkpoint round failed; trying again")
        if once or (stop is not None and stop.is_set()):  # type: ignore[attr-defined]
            return 0
        if stop is not None:
            stop.wait(interval)  # type: ignore[attr-defined]
        else:
            time.sleep(interval)
