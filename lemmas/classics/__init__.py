"""The classics of first-order optimization (docs/classics.md): tight and loose worst cases, rates in N, known-false claims."""
