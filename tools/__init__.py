"""Developer tools that are not part of loading or checking (synthetic corpora)."""
