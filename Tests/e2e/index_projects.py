"""The realistic multi-file projects the index tests build on disk, one per language.

Each has cross-file definitions and calls, an external import, and (where the language allows one) an import cycle.
Go and SwiftPM forbid import cycles, so those two projects have none.
"""

PYTHON = {
    "app.py": '''from pkg.models import User
from pkg import util
import requests


def main():
    user = User("Ann Lee")
    print(util.slugify(user.name))
    return user.slug()


if __name__ == "__main__":
    main()
''',
    "cli.py": "from app import main\n\nmain()\n",
    "pkg/__init__.py": "",
    "pkg/models.py": '''from .util import slugify


class User:
    def __init__(self, name):
        self.name = name

    def slug(self):
        return slugify(self.name)
''',
    "pkg/util.py": '''from pkg import models


def slugify(text):
    return text.lower().replace(" ", "-")


def shout(text):
    return slugify(text).upper()
''',
}

JAVASCRIPT = {
    "package.json": '{"name": "demo", "type": "module"}\n',
    "src/index.js": '''import { add, mul } from './math.js';
import chalk from 'chalk';
const config = require('./config');

export function main() {
  const value = add(1, mul(2, 3));
  console.log(chalk.green(value), config.name);
  return value;
}
''',
    "src/math.js": '''import { log } from './logger';

export function add(a, b) {
  log('add');
  return a + b;
}

export function mul(a, b) {
  return a * b;
}
''',
    "src/logger.js": '''import { add } from './math.js';

let count = 0;

export function log(message) {
  count = add(count, 1);
  console.log(count, message);
}
''',
    "src/config/index.js": "module.exports = { name: 'demo' };\n",
}

TYPESCRIPT = {
    "tsconfig.json": '''{
  "compilerOptions": {
    "baseUrl": ".",
    "paths": { "@core/*": ["src/core/*"] }
  }
}
''',
    "src/core/shape.ts": '''import { Registry } from './registry';

export interface Shape {
  area(): number;
}

export class Square implements Shape {
  constructor(private side: number) {}

  area(): number {
    return this.side * this.side;
  }
}

export function register(registry: Registry, side: number): Square {
  const square = new Square(side);
  registry.add(square);
  return square;
}
''',
    "src/core/registry.ts": '''import type { Shape } from './shape';

export class Registry {
  private items: Shape[] = [];

  add(shape: Shape): void {
    this.items.push(shape);
  }

  total(): number {
    return this.items.reduce((sum, s) => sum + s.area(), 0);
  }
}
''',
    "src/app.ts": '''import { register } from '@core/shape';
import { Registry } from '@core/registry';
import express from 'express';

export function build(): number {
  const registry = new Registry();
  register(registry, 2);
  return registry.total();
}
''',
}

GO = {
    "go.mod": "module example.com/shop\n\ngo 1.21\n",
    "main.go": '''package main

import (
	"fmt"

	"example.com/shop/cart"
	"example.com/shop/pricing"
)

func main() {
	c := cart.New()
	c.Add(pricing.Price{Cents: 250})
	fmt.Println(c.Total())
}
''',
    "cart/cart.go": '''package cart

import "example.com/shop/pricing"

type Cart struct {
	Items []pricing.Price
}

func New() *Cart {
	return &Cart{}
}

func (c *Cart) Add(p pricing.Price) {
	c.Items = append(c.Items, p)
}

func (c *Cart) Total() int {
	return pricing.Sum(c.Items)
}
''',
    "pricing/pricing.go": '''package pricing

type Price struct {
	Cents int
}

func Sum(prices []Price) int {
	total := 0
	for _, p := range prices {
		total += p.Cents
	}
	return total
}
''',
}

RUST = {
    "Cargo.toml": '[package]\nname = "shapes"\nversion = "0.1.0"\n',
    "src/main.rs": '''mod geometry;
mod report;

use crate::geometry::Circle;
use serde::Serialize;

fn main() {
    let c = Circle::new(2.0);
    println!("{}", report::describe(&c));
}
''',
    "src/geometry.rs": '''use crate::report::describe;

pub struct Circle {
    pub r: f64,
}

impl Circle {
    pub fn new(r: f64) -> Self {
        Circle { r }
    }

    pub fn area(&self) -> f64 {
        3.14 * self.r * self.r
    }

    pub fn label(&self) -> String {
        describe(self)
    }
}
''',
    "src/report.rs": '''use crate::geometry::Circle;

pub fn describe(c: &Circle) -> String {
    format!("circle of area {}", c.area())
}
''',
}

C = {
    "include/list.h": '''#ifndef LIST_H
#define LIST_H
#include "node.h"

typedef struct List {
    Node *head;
    int size;
} List;

void list_push(List *list, int value);
int list_sum(const List *list);
#endif
''',
    "include/node.h": '''#ifndef NODE_H
#define NODE_H
#include "list.h"

typedef struct Node {
    int value;
    struct Node *next;
} Node;

Node *node_new(int value);
#endif
''',
    "src/list.c": '''#include <stdlib.h>
#include "list.h"

Node *node_new(int value) {
    Node *n = malloc(sizeof(Node));
    n->value = value;
    n->next = NULL;
    return n;
}

void list_push(List *list, int value) {
    Node *n = node_new(value);
    n->next = list->head;
    list->head = n;
    list->size++;
}

int list_sum(const List *list) {
    int total = 0;
    for (Node *n = list->head; n; n = n->next) total += n->value;
    return total;
}
''',
    "src/main.c": '''#include <stdio.h>
#include "list.h"

int main(void) {
    List list = {0};
    list_push(&list, 1);
    list_push(&list, 2);
    printf("%d\\n", list_sum(&list));
    return 0;
}
''',
}

CPP = {
    "include/geo/shape.hpp": '''#pragma once
#include "geo/canvas.hpp"

namespace geo {

class Shape {
public:
    virtual ~Shape() = default;
    virtual double area() const = 0;
    void draw(Canvas &canvas) const;
};

class Square : public Shape {
public:
    explicit Square(double side) : side_(side) {}
    double area() const override;

private:
    double side_;
};

}
''',
    "include/geo/canvas.hpp": '''#pragma once
#include <string>
#include "geo/shape.hpp"

namespace geo {

class Canvas {
public:
    void paint(const Shape &shape);
    std::string output;
};

}
''',
    "src/shape.cpp": '''#include "geo/shape.hpp"

namespace geo {

void Shape::draw(Canvas &canvas) const {
    canvas.paint(*this);
}

double Square::area() const {
    return side_ * side_;
}

}
''',
    "src/main.cpp": '''#include <iostream>
#include "geo/shape.hpp"

int main() {
    geo::Square square(3.0);
    geo::Canvas canvas;
    square.draw(canvas);
    std::cout << square.area() << std::endl;
    return 0;
}
''',
}

JAVA_BASE = "src/main/java/com/acme/"
JAVA = {
    JAVA_BASE + "App.java": '''package com.acme;

import com.acme.model.Order;
import com.acme.service.OrderService;
import org.slf4j.Logger;

public class App {
    public static void main(String[] args) {
        OrderService service = new OrderService();
        Order order = service.create("book", 12);
        System.out.println(order.total());
    }
}
''',
    JAVA_BASE + "model/Order.java": '''package com.acme.model;

import com.acme.service.OrderService;

public class Order {
    private final String item;
    private final int price;

    public Order(String item, int price) {
        this.item = item;
        this.price = price;
    }

    public int total() {
        return OrderService.withTax(price);
    }
}
''',
    JAVA_BASE + "service/OrderService.java": '''package com.acme.service;

import com.acme.model.Order;

public class OrderService {
    public Order create(String item, int price) {
        return new Order(item, price);
    }

    public static int withTax(int price) {
        return price + price / 10;
    }
}
''',
}

SWIFT = {
    "Package.swift": '''// swift-tools-version:5.9
import PackageDescription

let package = Package(name: "Shop", targets: [
    .target(name: "Model"),
    .target(name: "Shop", dependencies: ["Model"]),
    .executableTarget(name: "App", dependencies: ["Shop"]),
])
''',
    "Sources/Model/Item.swift": '''public struct Item {
    public let name: String
    public let price: Int

    public init(name: String, price: Int) {
        self.name = name
        self.price = price
    }
}
''',
    "Sources/Shop/Cart.swift": '''import Foundation
import Model

public final class Cart {
    public private(set) var items: [Item] = []

    public init() {}

    public func add(_ item: Item) {
        items.append(item)
    }

    public func total() -> Int {
        items.reduce(0) { $0 + $1.price }
    }
}
''',
    "Sources/App/main.swift": '''import Model
import Shop

func run() {
    let cart = Cart()
    cart.add(Item(name: "book", price: 12))
    print(cart.total())
}

run()
''',
}

C_COMPILE_COMMANDS = [("src/list.c", ["cc", "-Iinclude", "-c", "src/list.c"]),
                      ("src/main.c", ["cc", "-Iinclude", "-c", "src/main.c"])]
CPP_COMPILE_COMMANDS = [("src/shape.cpp", ["c++", "-Iinclude", "-c", "src/shape.cpp"]),
                        ("src/main.cpp", ["c++", "-Iinclude", "-c", "src/main.cpp"])]


def compile_commands(project, entries) -> None:
    """Writes compile_commands.json for `entries` [(file, arguments)] with the project's real root."""
    import json
    project.write("compile_commands.json", json.dumps(
        [{"directory": str(project.root), "file": f, "arguments": args} for f, args in entries], indent=1))
