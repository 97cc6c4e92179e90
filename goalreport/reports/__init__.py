"""PDF reports (SPEC §5): context builders, SVG charts, locale formatting and rendering.

Nothing here imports WeasyPrint at module level, so importing the package is cheap; only
``render.render_reports`` loads it, when reports are actually rendered.
"""
