"""``goalreport batch``: the inbox folder (which files, lock, state) and the runner."""
