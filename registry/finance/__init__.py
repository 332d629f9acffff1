"""IP-pledge financing: outreach (宣传/走访) and pledge loans (质押贷款)."""
