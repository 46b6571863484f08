"""The answer core (answers, caveats, summaries) and the front ends that carry it to people."""
