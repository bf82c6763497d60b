segment "online" {}
customers "../data/good.csv"
