"""The import formats, one module each; the registry of them lives beside them."""
