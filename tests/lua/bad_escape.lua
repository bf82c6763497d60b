segment "online" {}
customers "../lua/data/customers.csv"
