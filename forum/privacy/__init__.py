"""Reader privacy and comfort: content-note topics, data export, account deletion with post removal, the Atom feed."""
