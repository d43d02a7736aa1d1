"""The knowledge base (issue 12): sections and articles with safe Markdown, public help pages,
feedback, the administrator's editor, and suggestions for a free text."""
