"""The optional OpenAI-compatible layer. With no key and no base URL nothing here runs: rules only."""
