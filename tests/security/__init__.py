"""What a hostile tester tried: sessions, redirects, headers, passwords."""
