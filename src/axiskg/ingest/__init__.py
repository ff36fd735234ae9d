"""Drafting a new report's graph from its text: segmentation, draft claims, evidence selectors."""
