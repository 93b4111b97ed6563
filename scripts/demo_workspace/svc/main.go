package main

import (
	"fmt"

	"example.com/svc/store"
)

func main() {
	s := store.New()
	s.Put("coffee", 450)
	fmt.Println(s.Get("coffee"))
}
