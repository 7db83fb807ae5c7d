"""Merkle trees over the audit records, hashed as RFC 6962 (and RFC 9162) prescribe.

A leaf is ``SHA-256(0x00 || data)``, an inner node ``SHA-256(0x01 || left || right)``, and a
tree of ``n`` leaves splits at the largest power of two below ``n``. The same hashing as
Certificate Transparency, Trillian and Tessera, so the proofs can be checked by any tool that
knows them. Pure Python and the standard library only: the witness (``witness.py``) and a person
checking one inclusion proof import this module without Django.

``Tree`` keeps every level of the tree as one ``bytearray`` (32 bytes a node), so a million
records take 64 MB and any root, inclusion proof or consistency proof is O(log² n) hashes.
The ``verify_*`` functions are the RFC 9162 algorithms (sections 2.1.3.2 and 2.1.4.2).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def root_of(leaves: Iterable[bytes]) -> tuple[int, bytes]:
    """The size and root of the tree over ``leaves`` (leaf hashes) in one streaming pass,
    without keeping the tree: a stack of the roots of full subtrees, as a compact range."""
    stack: list[bytes] = []
    count = 0
    sha256 = hashlib.sha256
    for leaf in leaves:
        node = leaf
        count += 1
        merged = count
        while not merged & 1:
            node = sha256(b"\x01" + stack.pop() + node).digest()
            merged >>= 1
        stack.append(node)
    if not stack:
        return 0, EMPTY_ROOT
    node = stack.pop()
    while stack:
        node = sha256(b"\x01" + stack.pop() + node).digest()
    return count, node


class Tree:
    """An append-only Merkle tree that can answer for any earlier size."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self.extend(leaves)

    @classmethod
    def from_leaf_bytes(cls, leaves: bytes) -> Tree:
        """A tree over many leaves at once (32 bytes each, concatenated): level by level,
        a third of the time of appending them one by one."""
        return cls.from_levels([leaves])

    @classmethod
    def from_levels(cls, levels: list[bytes]) -> Tree:
        """A tree from its lowest levels (leaves first, each level complete for the one
        below it), computing the levels above."""
        if not levels or len(levels[0]) % HASH_SIZE:
            raise ValueError("leaf hashes have 32 bytes each")
        levels = list(levels)
        while len(levels) > 1 and not levels[-1]:  # a small tree has no nodes that high
            levels.pop()
        for level, (below, above) in enumerate(itertools.pairwise(levels)):
            if len(above) != len(below) // (2 * HASH_SIZE) * HASH_SIZE:
                raise ValueError(f"level {level + 1} does not match the level below it")
        tree = cls()
        tree._levels = [bytearray(level) for level in levels]
        below = bytes(levels[-1])
        sha256 = hashlib.sha256
        while len(below) >= 2 * HASH_SIZE:
            pairs = len(below) // (2 * HASH_SIZE) * 2 * HASH_SIZE
            above = b"".join(
                sha256(b"\x01" + below[i : i + 2 * HASH_SIZE]).digest()
                for i in range(0, pairs, 2 * HASH_SIZE)
            )
            tree._levels.append(bytearray(above))
            below = above
        return tree

    @property
    def levels(self) -> list[bytearray]:
        return self._levels

    @property
    def size(self) -> int:
        return len(self._levels[0]) // HASH_SIZE

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def append(self, leaf: bytes) -> None:
        if len(leaf) != HASH_SIZE:
            raise ValueError("a leaf hash has 32 bytes")
        levels = self._levels
        levels[0] += leaf
        level, index = 0, self.size - 1
        # Every completed pair makes a node one level up.
        while index & 1:
            row = levels[level]
            left = bytes(row[(index - 1) * HASH_SIZE : index * HASH_SIZE])
            right = bytes(row[index * HASH_SIZE : (index + 1) * HASH_SIZE])
            level += 1
            if len(levels) == level:
                levels.append(bytearray())
            levels[level] += node_hash(left, right)
            index >>= 1

    def leaf(self, index: int) -> bytes:
        return bytes(self._levels[0][index * HASH_SIZE : (index + 1) * HASH_SIZE])

    def _range(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]); a whole aligned subtree is read from its level."""
        size = end - start
        if size <= 0:
            return EMPTY_ROOT
        if size & (size - 1) == 0 and start % size == 0:
            level = size.bit_length() - 1
            index = start >> level
            return bytes(self._levels[level][index * HASH_SIZE : (index + 1) * HASH_SIZE])
        k = _split(size)
        return node_hash(self._range(start, start + k), self._range(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError(f"the tree has {self.size} leaves, not {size}")
        return self._range(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]) of RFC 6962 section 2.1.1."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError("no such leaf in a tree of that size")
        proof: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                proof.append(self._range(start + k, end))
                end = start + k
            else:
                proof.append(self._range(start, start + k))
                start += k
        proof.reverse()
        return proof

    def consistency_proof(self, old_size: int, size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[size]) of RFC 6962 section 2.1.2."""
        size = self.size if size is None else size
        if not 0 <= old_size <= size <= self.size:
            raise ValueError("a consistency proof goes from a smaller tree to a larger one")
        if old_size in (0, size):
            return []
        proof: list[bytes] = []
        start, end, whole = 0, size, True
        m = old_size
        while m != end - start:
            k = _split(end - start)
            if m <= k:
                proof.append(self._range(start + k, end))
                end = start + k
            else:
                proof.append(self._range(start, start + k))
                start += k
                m -= k
                whole = False
        if not whole:
            proof.append(self._range(start, end))
        proof.reverse()
        return proof


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 section 2.1.3.2: whether ``leaf`` is leaf ``index`` of the tree with ``root``."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, size: int, old_root: bytes, root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 section 2.1.4.2: whether the tree of ``size`` leaves with ``root`` extends the
    tree of ``old_size`` leaves with ``old_root`` (same leaves first, none changed)."""
    if not 0 <= old_size <= size:
        return False
    if old_size == size:
        return not proof and old_root == root
    if old_size == 0:
        return not proof  # the empty tree is a prefix of every tree
    path = list(proof)
    if not path:
        return False
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == root and sn == 0
