"""doit provider: client and normalizer."""
