"""The app side of cases: the Cases view, a tab per case, mock recalls, SCAR follow-up, signing, and the change listener."""
