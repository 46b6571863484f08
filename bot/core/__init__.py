"""The answer core: questions in, verbatim quotes, citations and caveats out.

Pure over the index: it imports `index` and itself, never a front end or the service.
"""
