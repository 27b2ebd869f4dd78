"""Widgets shared by screens: the paged case list, the navigation bar, form parts."""
