segment "online" {}
customers "data/bad_customers.csv"
