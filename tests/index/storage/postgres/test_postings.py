"""Packed postings: where new ones go among a stem's blocks, and BM25 summed over them."""

from __future__ import annotations

import numpy as np

from index.storage.postgres.postings import BLOCK_SIZE, Postings, blocks, bm25, idf


def postings(first: int, count: int) -> Postings:
    return Postings.of([(first + n, 1 + n % 3, 10) for n in range(count)])


def test_postings_round_trip_and_drop_passages() -> None:
    stored = postings(100, 5)
    again = Postings.decode(*stored.encode())
    assert again.passage_ids.tolist() == [100, 101, 102, 103, 104]
    assert again.tfs.tolist() == [1, 2, 3, 1, 2]
    assert again.lengths.tolist() == [10] * 5
    rest = again.without([101, 104, 999])
    assert (rest.passage_ids.tolist(), rest.tfs.tolist()) == ([100, 102, 103], [1, 3, 1])


def test_counts_beyond_sixteen_bits_saturate() -> None:
    (saturated,) = Postings.of([(1, 70_000, 80_000)]).lengths.tolist()
    assert saturated == 65_535


def test_new_postings_fill_the_last_block_before_starting_others() -> None:
    placed = list(blocks(postings(1, BLOCK_SIZE + 10), last=4, last_size=BLOCK_SIZE - 3))
    assert [(block, len(part)) for block, part in placed] == [(4, 3), (5, BLOCK_SIZE), (6, 7)]
    assert placed[1][1].passage_ids[0] == 4  # in order, none lost


def test_a_stem_without_blocks_or_with_a_full_one_starts_new_ones() -> None:
    assert [(b, len(p)) for b, p in blocks(postings(1, 3), None, 0)] == [(0, 3)]
    assert [(b, len(p)) for b, p in blocks(postings(1, 3), 2, BLOCK_SIZE)] == [(3, 3)]


def lucene(tf: float, length: float, average: float) -> float:
    return tf / (tf + 1.5 * (1 - 0.75 + 0.75 * length / average))


def test_bm25_sums_each_passages_stems_best_first() -> None:
    border = Postings.of([(7, 2, 10), (9, 1, 20)])
    troops = Postings.of([(9, 1, 20)])
    weights = (idf(2, 4), 2 * idf(1, 4))  # "troops" twice in the query
    found = [(weights[0], *border.encode()), (weights[1], *troops.encode())]
    ids, scores = bm25(found, average_length=15, k=5)
    assert ids.dtype == np.int64 and scores.dtype == np.float32
    expected = {
        7: weights[0] * lucene(2, 10, 15),
        9: weights[0] * lucene(1, 20, 15) + weights[1] * lucene(1, 20, 15),
    }
    assert ids.tolist() == sorted(expected, key=lambda i: -expected[i])
    np.testing.assert_allclose(scores, sorted(expected.values(), reverse=True), rtol=1e-6)
    assert bm25(found, average_length=15, k=1)[0].tolist() == ids[:1].tolist()


def test_bm25_ranks_ties_by_id_whether_ids_are_dense_or_sparse() -> None:
    for ids in ([3, 1, 2], [3 * 10**9, 5, 2 * 10**9]):
        same = Postings.of([(i, 1, 10) for i in ids])
        found, _ = bm25([(1.0, *same.encode())], average_length=10, k=2)
        assert found.tolist() == sorted(ids)[:2]


def test_idf_is_the_lucene_variants() -> None:
    assert idf(1, 4) == np.log(1 + 3.5 / 1.5)
    assert idf(4, 4) > 0  # a stem in every passage still counts a little
