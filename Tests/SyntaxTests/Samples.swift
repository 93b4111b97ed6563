// Sample sources, one per language, for QueryContractTests. Line numbers in the expectations refer to them.
enum Samples {
    static let sources: [String: String] = [
        "python": #"""
import os
import numpy as np
from . import sibling
from ..pkg.mod import thing as t
from pkg.sub import (a, b)
import pkg.sub.deep

MAX = 10
counter: int = 0

class Animal(Base):
    """An animal."""
    legs = 4
    def __init__(self, name):
        self.name = name

    @property
    def speak(self):
        return helper(self.name)

def helper(x):
    """Help."""
    y = x.upper()
    return Animal(y)

@decorator
def decorated():
    pass
"""#,
        "javascript": #"""
import React, { useState } from 'react';
import * as util from './util';
import def from "../lib/index.js";
export { x } from './reexp';
const fs = require('fs');
const local = require('./local');

export const MAX_SIZE = 10;
let counter = 0;
var old = function() {};
const arrow = (a) => a + 1;

export default class Widget extends Base {
  count = 0;
  constructor(props) { super(props); }
  render() { return helper(this.count); }
  static make() { return new Widget(); }
}

function helper(x) { return util.format(x); }
export function* gen() {}
obj.method();
"""#,
        "typescript": #"""
import { Shape } from './shapes';
import type { Config } from '@app/config';
export interface Drawable { draw(): void; size: number; }
export type Point = { x: number; y: number };
export enum Color { Red, Green }
export abstract class Canvas implements Drawable {
  private items: Shape[] = [];
  size = 0;
  draw(): void { render(this.items); }
  abstract clear(): void;
}
export function render(items: Shape[]): Point { return { x: 1, y: 2 }; }
namespace Geo { export const PI = 3.14; }
const el = <div className="x">{render([])}</div>;
"""#,
        "tsx": #"""
import { Button } from './button';
export interface Props { label: string }
export function App(props: Props) { return <Button label={props.label} />; }
export const Header = () => <h1>hi</h1>;
"""#,
        "go": #"""
package shapes

import (
	"fmt"
	m "example.com/proj/internal/mathx"
)
import "os"

const MaxSize = 10
var counter int

type Shape interface { Area() float64 }
type Circle struct { Radius float64 }
type ID = string

func (c *Circle) Area() float64 { return mathx.Pi * c.Radius }
func NewCircle(r float64) *Circle { fmt.Println(r); return &Circle{Radius: r} }
"""#,
        "rust": #"""
mod geometry;
pub mod util;
use crate::geometry::shapes::Circle;
use std::collections::HashMap;
use super::config;
use self::util::{helper, Other};

pub const MAX: usize = 10;
static COUNTER: u32 = 0;

pub struct Point { pub x: f64, y: f64 }
pub enum Color { Red, Green }
pub trait Shape { fn area(&self) -> f64; }
type Id = u64;

impl Shape for Point {
    fn area(&self) -> f64 { helper(self.x) }
}
impl Point {
    pub fn new() -> Self { Point { x: 0.0, y: 0.0 } }
}
pub fn run(p: Point) { let c = Circle::new(); p.area(); println!("x"); }
macro_rules! my_macro { () => {} }
mod inline { fn f() {} }
"""#,
        "c": #"""
#include <stdio.h>
#include "util/helper.h"
#define MAX_SIZE 10
#define SQUARE(x) ((x)*(x))
typedef struct point { int x; int y; } Point;
struct shape { int kind; };
enum color { RED, GREEN };
union u { int a; float b; };
static int counter = 0;
int area(const Point *p);
int area(const Point *p) { return helper(p->x) * SQUARE(2); }
typedef int (*callback)(int);
"""#,
        "cpp": #"""
#include "shapes.hpp"
#include <vector>
namespace geo {
class Shape : public Base {
public:
  virtual double area() const = 0;
  int id;
  void print();
};
struct Point { double x; };
void Shape::print() { std::cout << area(); helper(); }
template <typename T> T maxOf(T a, T b) { return a > b ? a : b; }
enum class Color { Red };
using Id = int;
}
int main() { geo::Shape* s = new geo::Circle(); s->area(); return 0; }
"""#,
        "java": #"""
package com.example.shapes;

import java.util.List;
import com.example.util.Helper;
import static com.example.util.Helper.assist;
import com.example.model.*;

public class Circle extends Shape implements Drawable {
    public static final int MAX = 10;
    private double radius;
    public Circle(double r) { this.radius = r; }
    @Override
    public double area() { return Helper.square(radius) * Math.PI; }
    interface Inner { void go(); }
    enum Kind { SMALL, LARGE }
    record Pair(int a, int b) {}
}
"""#,
        "swift": #"""
import Foundation
import Syntax
@testable import Storage

public let maxSize = 10
var counter = 0

public protocol Shape { func area() -> Double; var name: String { get } }
public struct Circle: Shape {
    let radius: Double
    public var name: String { "circle" }
    public init(radius: Double) { self.radius = radius }
    public func area() -> Double { helper(radius) * Double.pi }
}
final class Box<T> { var items: [T] = [] }
enum Color { case red, green }
extension Circle { func scaled() -> Circle { Circle(radius: 2) } }
typealias ID = String
actor Counter { func inc() {} }
func helper(_ x: Double) -> Double { x.squareRoot() }
"""#,
        "ruby": #"""
require 'json'
require_relative 'lib/helper'
module Shop
  MAX = 10
  class Cart < Base
    attr_reader :items
    def initialize; @items = []; end
    def self.build; new; end
    def total
      Helper.sum(items)
    end
  end
end
def top_level(x); puts x; end
"""#,
        "bash": #"""
#!/bin/bash
source ./lib/common.sh
. "$HOME/.env"
NAME=world
greet() { echo "hi $1"; helper; }
function other { greet "$NAME"; }
"""#,
    ]
}
