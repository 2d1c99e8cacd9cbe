// The parsed form of a kubectl JSONPath template (k8s.io/client-go/util/jsonpath's grammar).
export type PathStep =
  | { kind: 'field'; name: string } // .name, ['name']; name '*' is the wildcard
  | { kind: 'recursive' } // ..
  | { kind: 'index'; start?: number; end?: number; step?: number; single: boolean } // [1], [1:3], [*], [::2]
  | { kind: 'filter'; left: Path; op?: string; right?: Operand } // [?(@.a == "b")], [?(@.a)]
  | { kind: 'union'; branches: Path[] } // [a,b] or ['a','b'] or [0,2]
  | { kind: 'root' } // $
  | { kind: 'current' }; // @

export interface Path {
  steps: PathStep[];
}

export type Operand = { kind: 'path'; path: Path } | { kind: 'literal'; value: string | number | boolean | null };

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'path'; path: Path }
  | { kind: 'literal'; text: string }
  | { kind: 'range'; path: Path; body: TemplateNode[] };
