"""National Reporting System and Government Operations Center: regimes, indicators, index."""
