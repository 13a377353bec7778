"""Feeds: parsing RSS and Atom, OPML lists, subscriptions and incremental refresh."""
