"""zilliz provider: client and normalizer."""
