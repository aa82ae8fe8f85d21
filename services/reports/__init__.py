"""The department's documents: the completion report and its charts."""
