"""The one registry of the app's actions: key bindings, palette entries and help rows come from it.

Each action is written once, with its owner (`scope`), keys, labels and help text. The app, the
screens and the widgets take their `BINDINGS` from `bindings(scope)`, the command palette lists
`palette(scope)`, and the help screen's key tables are `help_tables()`. Binding ids are
`scope.name`, the names a user keymap will use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from textual.binding import Binding, BindingType

SCOPES = (
    "list", "pane", "main", "search", "app", "help", "note", "notebook", "prompt", "confirm",
    "links", "related", "review", "stats", "feeds",
)  # fmt: skip
"""Owners of actions: "app" is the app, "list", "pane" and "search" the main screen's article
list, reading pane and search input, the others a screen each."""

SECTIONS = {
    "move": "Moving around",
    "articles": "Articles and panes",
    "search": "Searching",
    "yours": "Bookmarks, notes and highlights",
    "library": "The library and feeds",
    "app": "Everywhere",
    "note": "In the note editor",
    "notebook": "In the notebook",
    "links": "In the link list and related articles",
    "review": "In the daily review and the stats",
    "feeds": "In the feeds view",
    "dialog": "In a question or a prompt",
    "help": "In this help",
}
"""Help sections in the order shown, heading by name."""

PALETTE_HEADING = "Only in the command palette (`ctrl+p`)"


@dataclass(frozen=True)
class Action:
    """One action: who runs it, on which keys, and how the footer, palette and help name it."""

    scope: str
    """The owner whose `action_*` method runs it (one of `SCOPES`)."""
    name: str
    """Unique within the scope, in kebab case; `scope.name` is the binding id."""
    action: str
    """The Textual action string, e.g. "view('bookmarks')"."""
    keys: str = ""
    """Textual key names, comma-separated, listed in the help's key column ("": palette only)."""
    aliases: str = ""
    """More keys for the same action, mentioned after the help text as "also ..."."""
    label: str = ""
    """The short name shown in the footer."""
    tooltip: str = ""
    """One line: the footer tooltip and the palette's help line."""
    help: str = ""
    """The help row's text (Markdown); rows without it use the tooltip."""
    row: str = ""
    """Actions sharing a row name share one help row, whose text is its one `help`."""
    section: str = ""
    """The help section (a key of `SECTIONS`); palette-only actions have their own."""
    footer: bool = False
    """Shown in the footer."""
    palette: str = ""
    """The command palette's title for it ("": not in the palette)."""
    key_display: str | None = None
    """How the footer shows the keys, when not the first key's own name."""
    priority: bool = False
    """Checked before the focused widget's bindings (Textual's priority binding)."""
    bound_by_textual: bool = False
    """Textual binds it itself (the palette's key): listed in the help, not bound again."""

    @property
    def id(self) -> str:
        """The binding id, "scope.name"."""
        return f"{self.scope}.{self.name}"

    @property
    def all_keys(self) -> str:
        """Every key, as Textual's Binding takes them."""
        return ",".join(key for key in (self.keys, self.aliases) if key)


_MOVE = "Next / previous row in the list, or line in the article"
_PAGE = "Page down / up in the list or the article"
_ENDS = "First / last row, or top / bottom of the article"

# One action per entry, its options wrapped by hand so the registry reads as a table.
# fmt: off
ACTIONS: tuple[Action, ...] = (
    # The article list.
    Action("list", "down", "cursor_down", "j", aliases="down", label="Down", tooltip="Next row",
           help=_MOVE, row="move", section="move"),
    Action("list", "up", "cursor_up", "k", aliases="up", label="Up", tooltip="Previous row",
           row="move", section="move"),
    Action("list", "page-down", "page_down", "space", aliases="pagedown", label="Page down",
           tooltip="Next page", help=_PAGE, row="page", section="move"),
    Action("list", "page-up", "page_up", "shift+space", aliases="pageup", label="Page up",
           tooltip="Previous page", row="page", section="move"),
    Action("list", "first", "first", "g", aliases="home", label="First", tooltip="First row",
           help=_ENDS, row="ends", section="move"),
    Action("list", "last", "last", "G", aliases="end", label="Last", tooltip="Last row",
           row="ends", section="move"),
    Action("list", "open", "open", "enter,l", label="Open",
           tooltip="Open the article under the cursor in the reading pane",
           help="Open the article under the cursor (or click it) and move to it: "
           "`j` `k` `space` then scroll it",
           section="articles"),
    # The reading pane.
    Action("pane", "line-down", "scroll_lines(1)", "j", aliases="down", label="Line down",
           tooltip="Scroll a line down", row="move", section="move"),
    Action("pane", "line-up", "scroll_lines(-1)", "k", aliases="up", label="Line up",
           tooltip="Scroll a line up", row="move", section="move"),
    Action("pane", "page-down", "scroll_pages(1)", "space", aliases="pagedown",
           label="Page down", tooltip="Scroll a page down", row="page", section="move"),
    Action("pane", "page-up", "scroll_pages(-1)", "shift+space", aliases="pageup",
           label="Page up", tooltip="Scroll a page up", row="page", section="move"),
    Action("pane", "top", "scroll_top", "g", aliases="home", label="Top",
           tooltip="Scroll to the top", row="ends", section="move"),
    Action("pane", "bottom", "scroll_bottom", "G", aliases="end", label="Bottom",
           tooltip="Scroll to the bottom", row="ends", section="move"),
    # The main screen. Keys bind in this order, which is the footer's order (a, b, /, n).
    Action("main", "open", "open", tooltip="Open the article under the cursor",
           palette="Open article", section="palette"),
    Action("main", "add-article", "add_article", "a", label="Add", footer=True,
           tooltip="Save a web page or a file into your library",
           help="Add a web page (its address) or a file to your library; a feed's address "
           "subscribes",
           section="library", palette="Add a web page or file"),
    Action("main", "refresh-feeds", "refresh_feeds", "r", label="Refresh feeds",
           tooltip="Fetch new entries from every subscribed feed",
           help="Refresh feeds (subscribe with `reader feeds add URL`); `source:NAME` "
           "searches one feed",
           section="library", palette="Refresh feeds"),
    Action("main", "feeds", "feeds", "f", label="Feeds",
           tooltip="Every feed with its unread count, and the smart folders",
           help="Feeds view: smart folders and every feed with its unread count; `enter` "
           "lists one",
           section="library", palette="Feeds and smart folders"),
    Action("main", "next-unread", "unread('next')", "u", label="Next unread",
           tooltip="Open the next unread article in the list",
           help="Open the next unread article in the list (in a feed: then the next feed's)",
           section="articles", palette="Next unread article"),
    Action("main", "mark-all-read", "unread('mark_all')", "A", label="Mark all read",
           tooltip="Mark every article in the list read (asks first)",
           help="Mark every article in the list read, after asking (`U` undoes it)",
           section="yours", palette="Mark all in this list read"),
    Action("main", "undo-read", "unread('undo')", "U", label="Undo mark read",
           tooltip="Mark unread again what the last mark-all-read changed",
           help="Undo the last mark-all-read", section="yours", palette="Undo mark all read"),
    Action("main", "save-search", "save_search", tooltip="Save the search as a smart folder",
           palette="Save this search", section="palette"),
    Action("main", "toggle-bookmark", "toggle_bookmark", "b", label="Bookmark", footer=True,
           tooltip="Bookmark the article, or remove its bookmark",
           help="Bookmark the article, or remove its bookmark (★ in the list, after the "
           "unread •)",
           section="yours", palette="Bookmark article"),
    Action("main", "edit-tags", "edit_tags", "t", label="Tags",
           tooltip="Edit the bookmark's tags",
           help="Edit the bookmark's tags, comma-separated (`→` accepts a suggested tag)",
           section="yours", palette="Edit tags"),
    Action("main", "toggle-read", "toggle_read", "m", label="Read/unread",
           tooltip="Mark the article read or unread",
           help="Mark the article read or unread (• in the list: unread); reaching its end "
           "marks it read",
           section="yours", palette="Mark read or unread"),
    Action("main", "edit-note", "edit_note", "e", label="Edit note",
           tooltip="Open the note editor for the article", row="note", section="yours",
           palette="Write a note"),
    Action("main", "highlight", "highlight", "h", label="Highlight",
           tooltip="Highlight the paragraph under the cursor, or remove its highlight",
           section="yours", palette="Highlight paragraph"),
    Action("main", "highlight-with-note", "highlight(True)", "H", label="Highlight + note",
           tooltip="Highlight the paragraph with a note", section="yours"),
    Action("main", "paragraph-down", "paragraph(1)", "right_curly_bracket", aliases="ctrl+down",
           label="Next paragraph", tooltip="Move the paragraph cursor down",
           help="Paragraph cursor down / up in the article", row="paragraph", section="yours"),
    Action("main", "paragraph-up", "paragraph(-1)", "left_curly_bracket", aliases="ctrl+up",
           label="Previous paragraph", tooltip="Move the paragraph cursor up",
           row="paragraph", section="yours"),
    Action("main", "bookmarks", "view('bookmarks')", "B", label="Bookmarks",
           tooltip="List the bookmarked articles",
           help="Bookmarks view (`escape` goes back to the library)",
           section="yours", palette="Bookmarks"),
    Action("main", "continue", "view('continue')", "c", label="Continue",
           tooltip="List articles opened but not finished",
           help="Continue reading: articles opened but not finished",
           section="yours", palette="Continue reading"),
    Action("main", "notebook", "notebook", "ctrl+n", label="Notebook",
           tooltip="Every note and highlight, filterable",
           help="Notebook: every note and highlight; type to filter, `enter` opens the passage",
           section="yours", palette="Notebook"),
    # A priority binding runs as the key arrives, before keys typed right after it are
    # passed on: "/summit" typed in one burst lands whole in the bar.
    Action("main", "search", "search", "slash", label="Search", footer=True, priority=True,
           tooltip="Search the library: words, phrases, filters",
           help="Search: results show as you type; `enter` goes to them",
           section="search", palette="Search"),
    Action("main", "search-order", "toggle_search_order", "O", label="Order",
           tooltip="List search results by relevance or newest first",
           help="Order search results by relevance or by date",
           section="search", palette="Search order: relevance or date"),
    Action("main", "prev-match", "step_match(-1)", "N", label="Previous match",
           tooltip="Jump to the previous match in the article", row="match", section="search"),
    # While a search is active `n` jumps to the next match (check_action lets it through);
    # otherwise the key falls to the next binding of `n`, the note editor. Both bind on the
    # main screen: a subclass's bindings for a key replace every base class binding of it.
    Action("main", "next-match", "step_match(1)", "n", label="Next match",
           tooltip="Jump to the next match in the article",
           help="While searching: next / previous match in the article", row="match",
           section="search"),
    Action("main", "note", "note", "n", label="Note", footer=True,
           tooltip="Write a note on the article", help="Write a note on the article",
           row="note", section="yours"),
    Action("main", "next-article", "step_article(1)", "right_square_bracket", label="Next",
           tooltip="Open the article after the open one",
           help="Open the article after / before the open one in the list", row="step",
           section="articles", palette="Next article"),
    Action("main", "prev-article", "step_article(-1)", "left_square_bracket", label="Previous",
           tooltip="Open the article before the open one", row="step", section="articles",
           palette="Previous article"),
    Action("main", "open-browser", "explore('browser')", "o", label="Browser",
           tooltip="Open the article's web address in the system browser",
           help="Open the article's web page in your browser (the `BROWSER` variable names one)",
           section="articles", palette="Open in the browser"),
    Action("main", "links", "explore('links')", "L", label="Links",
           tooltip="List the article's links: open one, or add it to the library",
           help="Link list: the article's links; `enter` opens one, `a` adds it to the library",
           section="articles", palette="Links of the article"),
    Action("main", "related", "explore('related')", "M", label="More like this",
           tooltip="List the articles most like this one",
           help="More like this: the articles most like the open one; `enter` opens one",
           section="articles", palette="More like this"),
    Action("main", "review", "explore('review')", "D", label="Review",
           tooltip="Today's highlights to review, chosen by spaced repetition",
           help="Daily review of your highlights: `1` again, `2` keep, `3` done, `enter` "
           "opens the passage", section="yours", palette="Daily review"),
    Action("main", "stats", "explore('stats')", "S", label="Stats",
           tooltip="Words read a day, your streak, finished articles, top sources and tags",
           help="Reading stats: words read a day, streak, finished articles, sources and tags",
           section="yours", palette="Reading stats"),
    Action("main", "toggle-sort", "toggle_sort", "s", label="Sort",
           tooltip="Sort by date or by title", help="Sort by date (newest first) or by title",
           section="articles"),
    Action("main", "sort-date", "sort('date')", tooltip="List the newest articles first",
           palette="Sort by date", section="palette"),
    Action("main", "sort-title", "sort('title')", tooltip="List articles alphabetically by title",
           palette="Sort by title", section="palette"),
    Action("main", "switch-pane", "switch_pane", "tab", label="Switch pane",
           tooltip="Switch between the list and the reading pane", section="articles"),
    Action("main", "focus-list", "focus_part('list')",
           tooltip="Move the keyboard focus to the list",
           palette="Focus article list", section="palette"),
    Action("main", "focus-pane", "focus_part('pane')",
           tooltip="Move the keyboard focus to the article",
           palette="Focus reading pane", section="palette"),
    Action("main", "back", "back", "escape", label="Back to list",
           tooltip="Back to the list, then out of the search or the view",
           help="From the article back to the list; in the list, end the search or leave the "
           "view (a narrow terminal shows one pane at a time)",
           section="articles"),
    Action("main", "rescan", "rescan", "R", label="Rescan",
           tooltip="Look for new, changed and removed files",
           help="Rescan the library folders for new, changed and removed files",
           section="library", palette="Rescan library"),
    Action("main", "import-file", "importing('ask')",
           tooltip="Bring in an export: Pocket, Instapaper, wallabag, Omnivore, bookmarks…",
           palette="Import from a file…", section="palette"),
    Action("main", "fetch-links", "importing('fetch')",
           tooltip="Fetch the pages of imported links not fetched yet",
           palette="Fetch imported links", section="palette"),
    Action("main", "remove-samples", "remove_samples",
           tooltip="Take the bundled samples out of your library, with your notes on them",
           palette="Remove the sample articles", section="palette"),
    # The search input.
    Action("search", "clear", "clear_search", "escape", label="Clear search",
           tooltip="Clear the search", help="In the search bar: clear the search",
           section="search"),
    Action("search", "older", "recall(-1)", "up", label="Older query",
           tooltip="Recall an older search", help="In the search bar: recall recent searches",
           row="recall", section="search"),
    Action("search", "newer", "recall(1)", "down", label="Newer query",
           tooltip="Recall a newer search", row="recall", section="search"),
    Action("search", "save", "save_search", "ctrl+s", label="Save search",
           tooltip="Save this search as a smart folder",
           help="In the search bar: save the search as a smart folder (shown in `f`)",
           section="search"),
    # The feeds view.
    Action("feeds", "close", "close", "escape", label="Back",
           tooltip="Back to the articles", section="feeds"),
    Action("feeds", "refresh", "refresh_feed", "r", label="Refresh",
           tooltip="Fetch new entries of the feed under the cursor", section="feeds"),
    Action("feeds", "refresh-all", "refresh_all", "R", label="Refresh all",
           tooltip="Fetch new entries of every feed", section="feeds"),
    Action("feeds", "mark-read", "mark_feed_read", "A", label="Mark read",
           tooltip="Mark every article of the feed read (asks first; `U` undoes it)",
           section="feeds"),
    Action("feeds", "undo-read", "undo_read", "U", label="Undo mark read",
           tooltip="Mark unread again what the last mark-read changed", section="feeds"),
    Action("feeds", "rename", "rename_feed", "e", label="Rename",
           tooltip="Give the feed another title", section="feeds"),
    Action("feeds", "full-text", "full_text", "F", label="Full text",
           tooltip="Save the linked page of entries that carry only a summary, or stop",
           section="feeds"),
    Action("feeds", "remove", "remove", "d", label="Unsubscribe",
           tooltip="Unsubscribe from the feed (asks; its articles stay), or remove a "
           "saved search", section="feeds"),
    Action("feeds", "add", "add_feed", "a", label="Add feed",
           tooltip="Subscribe to a feed by its address or file", section="feeds"),
    # The app.
    Action("app", "help", "help", "question_mark,f1", label="Help", footer=True,
           key_display="?", tooltip="Show every key", help="Show or hide this help",
           section="app", palette="Toggle help"),
    Action("app", "quit", "quit", "q", label="Quit", footer=True, tooltip="Quit reader",
           section="app"),
    Action("app", "command-palette", "command_palette", "ctrl+p", label="palette",
           tooltip="Every action by name, and the themes",
           help="Command palette: every action by name, and the themes", section="app",
           bound_by_textual=True),
    # The help screen.
    Action("help", "close", "dismiss", "escape,q,question_mark,f1", label="Close",
           footer=True, tooltip="Close the help", section="help"),
    Action("help", "down", "scroll('down')", "j", aliases="down", label="Down",
           tooltip="Scroll down", help="Scroll the key table as the reading pane scrolls "
           "an article", row="scroll", section="help"),
    Action("help", "up", "scroll('up')", "k", aliases="up", label="Up", tooltip="Scroll up",
           row="scroll", section="help"),
    Action("help", "page-down", "scroll('page_down')", "space", aliases="pagedown",
           label="Page down", tooltip="Scroll a page down", row="scroll", section="help"),
    Action("help", "page-up", "scroll('page_up')", "shift+space", aliases="pageup",
           label="Page up", tooltip="Scroll a page up", row="scroll", section="help"),
    Action("help", "top", "scroll('home')", "g", aliases="home", label="Top",
           tooltip="Scroll to the top", row="scroll", section="help"),
    Action("help", "bottom", "scroll('end')", "G", aliases="end", label="Bottom",
           tooltip="Scroll to the bottom", row="scroll", section="help"),
    # The note editor.
    Action("note", "save", "save", "ctrl+s", label="Save", footer=True,
           tooltip="Save the note and close", section="note"),
    Action("note", "leave", "leave", "escape", label="Close", footer=True,
           tooltip="Close, asking before dropping changes",
           help="Close, asking before dropping changes (only `y` drops them)",
           priority=True,  # the TextArea would take escape to move the focus away
           section="note"),
    # The notebook.
    Action("notebook", "close", "close", "escape", label="Close", footer=True,
           tooltip="Close the notebook", section="notebook"),
    Action("notebook", "entries", "focus_entries", "down", label="Entries",
           tooltip="From the filter down to the entries", section="notebook"),
    # The link list and the related articles (`enter` opens: the list's own key).
    Action("links", "close", "close", "escape,q", label="Close", footer=True,
           tooltip="Close the link list", section="links"),
    Action("links", "add", "add_link", "a", label="Add to library", footer=True,
           tooltip="Save the link's page into your library",
           help="In the link list: add the link's page to your library", section="links"),
    Action("links", "open", "open_link", "o", label="Open", footer=True,
           tooltip="Open the link in the browser",
           help="In the link list: open the link in your browser (also `enter`)",
           section="links"),
    Action("related", "close", "close", "escape,q", label="Close", footer=True,
           tooltip="Close the related articles", section="links"),
    # The daily review.
    Action("review", "again", "grade('again')", "1", label="Again", footer=True,
           tooltip="Show this highlight again tomorrow",
           help="Again: the highlight comes back tomorrow", section="review"),
    Action("review", "keep", "grade('keep')", "2", label="Keep", footer=True,
           tooltip="Keep this highlight: it comes back later each time",
           help="Keep: the highlight comes back later each time you keep it", section="review"),
    Action("review", "done", "grade('done')", "3", label="Done", footer=True,
           tooltip="Retire this highlight from the review",
           help="Done: the highlight leaves the review (it stays in your notebook)",
           section="review"),
    Action("review", "open", "open_passage", "o", label="Open", footer=True,
           tooltip="Open the highlight's article at the passage",
           help="Open the highlight's article at the passage (also `enter`)", section="review"),
    Action("review", "down", "move(1)", "j", label="Next", tooltip="Next highlight",
           help="Next / previous highlight (also `↓` `↑`)", row="review-move", section="review"),
    Action("review", "up", "move(-1)", "k", label="Previous", tooltip="Previous highlight",
           row="review-move", section="review"),
    Action("review", "close", "close", "escape,q", label="Close", footer=True,
           tooltip="Close the review", section="review"),
    Action("stats", "close", "close", "escape,q", label="Close", footer=True,
           tooltip="Close the stats", section="review"),
    # Dialogs.
    Action("prompt", "cancel", "cancel", "escape", label="Cancel", footer=True,
           tooltip="Close without answering",
           help="In a prompt: close without answering (`enter` gives what you typed)",
           section="dialog"),
    Action("confirm", "yes", "answer(True)", "y", label="Yes", footer=True,
           tooltip="Answer yes", help="In a question: answer yes, the only key that does",
           section="dialog"),
    Action("confirm", "no", "answer(False)", "n,escape,enter", label="No", footer=True,
           tooltip="Answer no", help="In a question: answer no", section="dialog"),
)
# fmt: on
"""Every action of the app, grouped by owner; within an owner, in binding order."""


def in_scope(scope: str) -> tuple[Action, ...]:
    """The actions `scope` owns, in registry order."""
    if scope not in SCOPES:
        raise ValueError(f"unknown action scope {scope!r}")
    return tuple(action for action in ACTIONS if action.scope == scope)


def bindings(scope: str) -> list[BindingType]:
    """The `BINDINGS` of the owner `scope`: one Binding for each of its actions with keys."""
    return [
        Binding(
            action.all_keys,
            action.action,
            action.label,
            show=action.footer,
            key_display=action.key_display,
            priority=action.priority,
            tooltip=action.tooltip,
            id=action.id,
        )
        for action in in_scope(scope)
        if action.keys and not action.bound_by_textual
    ]


def with_keys(keymap: Mapping[str, str]) -> tuple[Action, ...]:
    """The registry with a keymap's keys in force: an entry replaces every key of its action."""
    return tuple(
        replace(action, keys=keymap[action.id], aliases="") if action.id in keymap else action
        for action in ACTIONS
    )


def palette(*scopes: str) -> tuple[Action, ...]:
    """The palette entries of these owners, in registry order."""
    return tuple(action for scope in scopes for action in in_scope(scope) if action.palette)
