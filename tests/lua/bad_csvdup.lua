segment "online" {}
customer "C001" { segment = "online" }
customers "data/dup_customers.csv"
