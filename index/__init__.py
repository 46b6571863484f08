"""Articles, passages, embeddings and retrieval: everything newsbot knows about its corpus."""
