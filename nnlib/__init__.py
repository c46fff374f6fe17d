"""nnlib: the small neural-network library built in the book."""
