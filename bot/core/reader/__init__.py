"""The reader: how likely a sentence is to answer a question, learned from public data."""
