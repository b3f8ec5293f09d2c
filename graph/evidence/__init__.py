"""Evidence: search and trace within a principal's rights, ring finding and scores (pure
algorithms in ``rings`` and ``scores``, their reads in ``analytics``), template links, candidate
leads."""
