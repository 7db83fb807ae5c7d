"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C VC DI EdDSA 1.0, §3.3):
the document and the proof options are each canonicalised with RDFC-1.0, hashed with SHA-256,
and the concatenated hashes signed with Ed25519. Any change to a statement the contexts define
changes the canonical form and breaks the signature; a term the contexts do not define is
refused outright (JSON-LD safe mode), so nothing can ride along unsigned."""

from __future__ import annotations

import hashlib
from copy import deepcopy
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

from . import multibase
from .keys import SigningKey
from .loader import document_loader

CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(Exception):
    """Why a proof does not verify, in words for the report."""


def _compact_count(value: Any) -> int:
    """Statements a compact document makes: one per scalar or reference, nodes recursed."""
    if isinstance(value, list):
        return sum(_compact_count(item) for item in value)
    if isinstance(value, dict):
        return sum(_compact_count(v) for k, v in value.items() if k != "@context")
    return 1


def _expanded_count(value: Any) -> int:
    """The same count for the expanded form: a value object or a bare reference is one."""
    if isinstance(value, list):
        return sum(_expanded_count(item) for item in value)
    if not isinstance(value, dict):
        return 1
    if "@value" in value:
        return 1
    if "@list" in value:
        return _expanded_count(value["@list"])
    count = 0
    for key, item in value.items():
        if key == "@id":
            count += 1
        elif key == "@type":
            count += len(item) if isinstance(item, list) else 1
        elif key == "@graph" or not key.startswith("@"):
            count += _expanded_count(item)
    return count


def canonical(document: dict[str, Any]) -> str:
    """RDFC-1.0 N-Quads of ``document``. JSON-LD silently drops a property that no context
    defines, so such a property would ride along unsigned; pyld has no "safe mode" to refuse
    it, hence the count of statements before and after expansion must agree."""
    options = {"documentLoader": document_loader}
    try:
        expanded = jsonld.expand(document, options)
        if _expanded_count(expanded) != _compact_count(document):
            raise ProofError("a property no bundled context defines (it would go unsigned)")
        return jsonld.normalize(
            expanded,
            {
                **options,
                "algorithm": "URDNA2015",  # RDFC-1.0 under its earlier name
                "format": "application/n-quads",
            },
        )
    except jsonld.JsonLdError as error:
        raise ProofError(f"JSON-LD: {error}") from error


def _hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    config = {
        "@context": document["@context"],
        **{k: v for k, v in options.items() if k != "proofValue"},
    }
    return (
        hashlib.sha256(canonical(config).encode()).digest()
        + hashlib.sha256(canonical(unsigned).encode()).digest()
    )


def sign(document: dict[str, Any], *, key: SigningKey, created: str) -> dict[str, Any]:
    """A copy of ``document`` with an assertion proof. ``created`` is given, not "now": the
    same certificate then yields the same file on every download (Ed25519 is deterministic)."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": key.verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, options))
    signed = deepcopy({k: v for k, v in document.items() if k != "proof"})
    signed["proof"] = {**options, "proofValue": multibase.encode(signature)}
    return signed


def verification_key(did_doc: dict[str, Any], method_id: str) -> Ed25519PublicKey:
    """The public key of ``method_id``, if the DID document lists it for assertions."""
    if not isinstance(method_id, str) or "#" not in method_id:
        raise ProofError("verificationMethod is not a DID URL")
    if method_id.split("#", 1)[0] != did_doc.get("id"):
        raise ProofError("the proof was made with another DID than this DID document")
    if method_id not in did_doc.get("assertionMethod", []):
        raise ProofError("the key is not an assertion key of the issuer")
    for method in did_doc.get("verificationMethod", []):
        if method.get("id") == method_id and method.get("type") == "Multikey":
            try:
                raw = multibase.public_key_from_multibase(method["publicKeyMultibase"])
            except (KeyError, ValueError) as error:
                raise ProofError("the DID document's key is unreadable") from error
            return Ed25519PublicKey.from_public_bytes(raw)
    raise ProofError("the DID document does not hold the proof's key")


def verify(document: dict[str, Any], did_doc: dict[str, Any]) -> None:
    """Raise ProofError unless ``document`` carries a valid proof by a key of ``did_doc``."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("no proof (or more than one)")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"not a DataIntegrityProof with {CRYPTOSUITE}")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("the proof is not an assertion")
    if not isinstance(document.get("@context"), list) or "@context" in proof:
        raise ProofError("unexpected JSON-LD context")
    public = verification_key(did_doc, proof.get("verificationMethod"))
    try:
        signature = multibase.decode(proof.get("proofValue", ""))
        public.verify(signature, _hash_data(document, proof))
    except (InvalidSignature, ValueError) as error:
        raise ProofError("the signature does not match the credential") from error
