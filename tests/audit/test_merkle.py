"""The Merkle tree against RFC 6962's recursive definitions, for every size up to 40, and the
RFC 9162 verifiers against proofs that must pass and proofs that must not."""

from __future__ import annotations

import hashlib

import pytest

from portal.audit.transparency import merkle


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(f"record {i}".encode()) for i in range(n)]


def _mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return merkle.node_hash(_mth(d[:k]), _mth(d[k:]))


def _path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m < k:
        return [*_path(m, d[:k]), _mth(d[k:])]
    return [*_path(m - k, d[k:]), _mth(d[:k])]


def _subproof(m: int, d: list[bytes], whole: bool) -> list[bytes]:
    if m == len(d):
        return [] if whole else [_mth(d)]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m <= k:
        return [*_subproof(m, d[:k], whole), _mth(d[k:])]
    return [*_subproof(m - k, d[k:], False), _mth(d[:k])]


SIZES = range(41)


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert merkle.leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert (
        merkle.node_hash(b"a" * 32, b"b" * 32)
        == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )
    assert hashlib.sha256(b"").digest() == merkle.EMPTY_ROOT


def test_roots_of_every_size_match_the_definition() -> None:
    leaves = _leaves(40)
    tree = merkle.Tree(leaves)
    for n in SIZES:
        assert tree.root(n) == _mth(leaves[:n]), n
        assert merkle.root_of(leaves[:n]) == (n, _mth(leaves[:n])), n


def test_inclusion_proofs_match_the_definition_and_verify() -> None:
    leaves = _leaves(40)
    tree = merkle.Tree(leaves)
    for n in range(1, 41):
        root = tree.root(n)
        for m in range(n):
            proof = tree.inclusion_proof(m, n)
            assert proof == _path(m, leaves[:n]), (m, n)
            assert merkle.verify_inclusion(m, n, leaves[m], proof, root)
            # Another leaf, another position or another root does not pass.
            assert not merkle.verify_inclusion(m, n, leaves[(m + 1) % 40], proof, root)
            if n > 1:
                assert not merkle.verify_inclusion((m + 1) % n, n, leaves[m], proof, root)
            assert not merkle.verify_inclusion(m, n, leaves[m], proof, b"\x00" * 32)


def test_consistency_proofs_match_the_definition_and_verify() -> None:
    leaves = _leaves(40)
    tree = merkle.Tree(leaves)
    for n in SIZES:
        for m in range(n + 1):
            proof = tree.consistency_proof(m, n)
            expected = [] if m in (0, n) else _subproof(m, leaves[:n], True)
            assert proof == expected, (m, n)
            assert merkle.verify_consistency(m, n, tree.root(m), tree.root(n), proof), (m, n)


def test_a_rewritten_history_fails_the_consistency_check() -> None:
    leaves = _leaves(40)
    tree = merkle.Tree(leaves)
    forged = merkle.Tree([*leaves[:6], merkle.leaf_hash(b"forged"), *leaves[7:]])
    for m in range(1, 40):
        for n in range(m, 41):
            proof = forged.consistency_proof(m, n)
            if m > 6:  # the forged leaf is in the old tree: the old root does not match
                assert not merkle.verify_consistency(m, n, tree.root(m), forged.root(n), proof)
            if m == n:
                continue
            # A shortened or a different new tree is not an extension of the old one.
            short = proof[:-1] if proof else [b"x" * 32]
            assert not merkle.verify_consistency(m, n, tree.root(m), tree.root(n), short)
    assert not merkle.verify_consistency(5, 4, tree.root(5), tree.root(4), [])
    assert not merkle.verify_consistency(4, 4, tree.root(4), tree.root(3), [])


def test_the_tree_refuses_what_it_cannot_answer() -> None:
    tree = merkle.Tree(_leaves(5))
    with pytest.raises(ValueError):
        tree.root(6)
    with pytest.raises(ValueError):
        tree.inclusion_proof(5, 5)
    with pytest.raises(ValueError):
        tree.consistency_proof(4, 6)
    with pytest.raises(ValueError):
        tree.append(b"short")


def test_a_tree_built_at_once_is_the_tree_built_leaf_by_leaf() -> None:
    leaves = _leaves(40)
    for n in SIZES:
        at_once = merkle.Tree.from_leaf_bytes(b"".join(leaves[:n]))
        one_by_one = merkle.Tree(leaves[:n])
        assert at_once.size == n
        assert at_once._levels == one_by_one._levels, n
        at_once.append(leaves[0])  # and it grows on as any tree does
        assert at_once.root() == _mth([*leaves[:n], leaves[0]])


def test_trees_of_aligned_blocks_join_into_the_whole_tree() -> None:
    """The parallel audit_verify joins the trees of blocks of 2**k leaves (the last block
    shorter) by their levels: the result is the tree of all the leaves."""
    leaves = _leaves(40)
    for block in (1, 2, 4, 8):
        for n in range(1, 41):
            parts = [leaves[i : min(i + block, n)] for i in range(0, n, block)]
            trees = [merkle.Tree(part) for part in parts]
            depth = block.bit_length() - 1
            levels = [
                b"".join(bytes(t.levels[level]) for t in trees if level < len(t.levels))
                for level in range(depth + 1)
            ]
            joined = merkle.Tree.from_levels(levels)
            assert joined.levels == merkle.Tree(leaves[:n]).levels, (block, n)
    with pytest.raises(ValueError):
        merkle.Tree.from_levels([b"".join(leaves[:4]), b"x" * 32])
