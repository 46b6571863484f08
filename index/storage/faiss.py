"""The vector index in FAISS: the `VectorIndex` of the embedded backend.

Three FAISS kinds, chosen by corpus size and this machine's speed unless the config names one:
- `flat`: exact search, 1.5 KB a passage; kept while a scan of every vector costs under
  `flat_max_milliseconds` here (measured once, see `vector_cost`), at most flat_max_passages.
- `hnsw`: a graph over 8-bit scalar-quantised vectors; fast and close to exact, ~0.7 KB a
  passage.
- `ivfpq`: an inverted file of product-quantised codes (4-bit, searched by FAISS's fast-scan
  kernels), trained on the data; ~0.1 KB a passage, for the largest corpora. Its candidates are
  re-ranked exactly by the stored sentence vectors afterwards, so small code errors rarely show.

FAISS cannot delete from an HNSW graph, and an IVF fast-scan index loses vectors added after a
`remove_ids` (FAISS 1.15), so both approximate kinds delete by tombstone: the passage's id
becomes -1 in the id map (saved with the index) and search skips it; past a quarter of
tombstones the index is rebuilt from its own stored codes with the same training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.storage.protocols import VectorIndexError

KINDS = ("auto", "flat", "hnsw", "ivfpq")
# The approximate kinds train on the data (IVF lists and codebooks, HNSW's 8-bit ranges); with
# fewer vectors than this they would train on too little, and exact search is as fast anyway.
MIN_TRAIN = 1_000
_HNSW_NEIGHBOURS = 32
# Candidates weighed for each vector's neighbours while the graph is built. FAISS's default, 40,
# left recall10@50 against exact search at 0.90 on the 100k-passage benchmark corpus (many
# near-duplicate sentences); 120 gave 0.96 at the same search cost, for twice the build time,
# which a background rebuild can afford.
_HNSW_BUILD_BREADTH = 128
# IVF-PQ codes of this many bytes a vector (~0.1 KB a passage).
_IVF_CODE_BYTES = 96
_TOMBSTONE_SHARE = 0.25
_ANY_ID = (0, 2**62)  # ids of live vectors; tombstones are -1


@dataclass(frozen=True)
class VectorIndexSettings:
    """The `[index.vectors]` table of the config: which FAISS index to use.

    `kind = "auto"` is exact (flat) while a scan costs under flat_max_milliseconds on this
    machine and up to flat_max_passages, an HNSW graph up to hnsw_max_passages, then IVF-PQ;
    "flat", "hnsw" or "ivfpq" forces one kind. flat_max_milliseconds = 0 goes by count alone.
    """

    kind: str = "auto"
    flat_max_milliseconds: float = 2.0
    flat_max_passages: int = 100_000
    hnsw_max_passages: int = 400_000
    hnsw_ef_search: int = 128
    ivf_nprobe: int = 64

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"the vector index kind must be one of {', '.join(KINDS)}, not {self.kind!r}"
            )
        if self.flat_max_milliseconds < 0:
            raise ValueError("flat_max_milliseconds must be 0 or more")
        if min(self.ivf_nprobe, self.hnsw_ef_search) <= 0:
            raise ValueError("ivf_nprobe and hnsw_ef_search must be positive")


def choose_kind(count: int, settings: VectorIndexSettings) -> str:
    """The index kind for `count` passages under `settings`."""
    kind = settings.kind
    if kind == "auto":
        if count <= settings.flat_max_passages:
            return "flat"
        kind = "hnsw" if count <= settings.hnsw_max_passages else "ivfpq"
    if count < MIN_TRAIN:
        return "flat"
    return kind


def ivf_lists(count: int) -> int:
    """About 2·sqrt(n) lists, a power of two, with at least 39 training vectors each."""
    lists = 2 ** round(math.log2(max(2 * math.sqrt(max(count, 1)), 1)))
    return max(1, min(lists, count // 39))


def build_vector_index(
    dimension: int,
    ids: np.ndarray,
    vectors: np.ndarray,
    settings: VectorIndexSettings,
) -> FaissIndex:
    """A new index of the kind `settings` choose for this many vectors, holding them all."""
    import faiss

    kind = choose_kind(len(ids), settings)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if kind == "flat":
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
    elif kind == "hnsw":
        graph = faiss.IndexHNSWSQ(
            dimension, faiss.ScalarQuantizer.QT_8bit, _HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT
        )
        graph.hnsw.efConstruction = _HNSW_BUILD_BREADTH
        graph.train(vectors[:100_000])
        index = faiss.IndexIDMap2(graph)
    else:
        quantizers = _quantizers(dimension, _IVF_CODE_BYTES)
        lists = ivf_lists(len(ids))
        index = faiss.index_factory(
            dimension, f"IVF{lists},PQ{quantizers}x4fs", faiss.METRIC_INNER_PRODUCT
        )
        sample = np.random.default_rng(0).permutation(len(vectors))[: max(50 * lists, MIN_TRAIN)]
        index.train(vectors[np.sort(sample)])
        index = faiss.IndexIDMap2(index)
    wrapped = FaissIndex(dimension, settings, index)
    wrapped.add(np.asarray(ids), vectors)
    return wrapped


def _quantizers(dimension: int, code_bytes: int) -> int:
    """4-bit sub-quantizers for a code of `code_bytes`: an even divisor of the dimension.

    4-bit codes are what FAISS's fast-scan kernels search with SIMD registers; they train in
    seconds where 8-bit codebooks of the same size take minutes.
    """
    wanted = min(2 * code_bytes, dimension)
    return max(m for m in range(2, wanted + 1, 2) if dimension % m == 0)


class FaissIndex:
    """Inner-product search with FAISS (flat, HNSW or IVF-PQ), ids mapped to passage ids."""

    def __init__(self, dimension: int, settings: VectorIndexSettings, index: object | None = None):
        import faiss

        self.dimension = dimension
        self.settings = settings
        self._index = index or faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        self.kind = _kind_of(self._index)
        self._tombstones = 0 if self.kind == "flat" else int((self._id_map() < 0).sum())

    @classmethod
    def load(cls, path: Path, settings: VectorIndexSettings) -> FaissIndex:
        import faiss

        try:
            index = faiss.read_index(str(path))
        except RuntimeError as error:
            raise VectorIndexError(f"cannot read vector index {path}: {error}") from error
        return cls(index.d, settings, index)

    def __len__(self) -> int:
        return int(self._index.ntotal) - self._tombstones

    def fits(self, settings: VectorIndexSettings | None = None) -> bool:
        """Whether this index is still the right kind and shape for its size under `settings`
        (its own unless others are given)."""
        settings = settings or self.settings
        if self.kind != choose_kind(len(self), settings):
            return False
        if self.kind == "ivfpq":
            lists = _ivf(self._index).nlist
            return ivf_lists(len(self)) / 4 <= lists <= ivf_lists(len(self)) * 4
        return True

    def exact_vectors(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The ids and vectors an exact (flat) index holds, as stored; None for the approximate
        kinds, which keep only codes."""
        import faiss

        if self.kind != "flat":
            return None
        inner = faiss.downcast_index(self._index.index)
        return self._id_map().copy(), inner.reconstruct_n(0, inner.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self._index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
            )

    def remove(self, ids: np.ndarray) -> None:
        if not len(ids):
            return
        ids = np.asarray(ids, dtype=np.int64)
        if self.kind == "flat":
            self._index.remove_ids(ids)
            return
        id_map = self._id_map()
        gone = np.isin(id_map, ids) & (id_map >= 0)
        if not gone.any():
            return
        id_map[gone] = -1
        self._set_id_map(id_map)
        self._tombstones += int(gone.sum())
        if self._tombstones > _TOMBSTONE_SHARE * self._index.ntotal:
            self._compact()

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids and scores of the `k` nearest vectors, best first; fewer when the index is small."""
        import faiss

        k = min(k, len(self))
        if k == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        params = self._search_parameters(k)
        # One query is too small to share between threads: a second thread only waits.
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            scores, ids = self._index.search(
                query.reshape(1, -1).astype(np.float32), k, params=params
            )
        finally:
            faiss.omp_set_num_threads(threads)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def save(self, path: Path) -> None:
        import faiss

        try:
            faiss.write_index(self._index, str(path))
        except RuntimeError as error:
            # FAISS reports a failed write (a full disk, a missing folder) as a RuntimeError;
            # callers handle file errors as the OSError the protocol promises.
            raise OSError(f"cannot write the vector index {path}: {error}") from error

    # -- kind-specific details -------------------------------------------------------------

    def _search_parameters(self, k: int) -> object | None:
        import faiss

        if self.kind == "flat":
            return None
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW()
            params.efSearch = max(self.settings.hnsw_ef_search, k)
        else:
            params = faiss.SearchParametersIVF()
            params.nprobe = min(self.settings.ivf_nprobe, _ivf(self._index).nlist)
        if self._tombstones:
            self._live = faiss.IDSelectorRange(*_ANY_ID)  # kept alive for the C++ side
            params.sel = self._live
        return params

    def _id_map(self) -> np.ndarray:
        import faiss

        return faiss.vector_to_array(self._index.id_map)

    def _set_id_map(self, id_map: np.ndarray) -> None:
        import faiss

        faiss.copy_array_to_vector(id_map.astype(np.int64), self._index.id_map)
        self._index.construct_rev_map()

    def _compact(self) -> None:
        """Rebuild without tombstones, re-adding the live vectors as the index decodes them."""
        import faiss

        id_map = self._id_map()
        inner = faiss.downcast_index(self._index.index)
        vectors = inner.reconstruct_n(0, inner.ntotal)
        fresh = faiss.clone_index(inner)  # keeps the training (SQ ranges, IVF lists, codebooks)
        fresh.reset()
        self._index = faiss.IndexIDMap2(fresh)
        self._tombstones = 0
        live = id_map >= 0
        self.add(id_map[live], vectors[live])


def _kind_of(index: object) -> str:
    import faiss

    index = faiss.downcast_index(index)
    inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index
    if isinstance(inner, faiss.IndexHNSW):
        return "hnsw"
    if isinstance(inner, faiss.IndexIVF):
        return "ivfpq"
    return "flat"


def _ivf(index: object):  # type: ignore[no-untyped-def]
    import faiss

    return faiss.extract_index_ivf(index)
