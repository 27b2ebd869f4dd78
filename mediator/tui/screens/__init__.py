"""Full screens: the case list (home), agenda, settings, first start; intake and case file."""
