namespace events {}
