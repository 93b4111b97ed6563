package store

// Store keeps prices in memory.
type Store struct {
	prices map[string]int
}

// New returns an empty store.
func New() *Store { return &Store{prices: map[string]int{}} }

// Put sets the price of a product.
func (s *Store) Put(name string, cents int) { s.prices[name] = cents }

// Get returns the price of a product, or zero.
func (s *Store) Get(name string) int { return s.prices[name] }
