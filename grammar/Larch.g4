// Grammar phase: the Cedar policy language (language version 4.5) as an ANTLR
// grammar. Generated code lives in the build tree only; the one consumer is
// grammar/ast_builder.cpp, which turns parse trees into our AST and applies
// every check Cedar makes after parsing (reserved words, scope shape, arity...).
//
// Design notes:
// - The grammar is deliberately more permissive than Cedar in a few places
//   (effect and condition keywords are any identifier, the scope right-hand
//   side is any expression, relations may chain, record keys are expressions)
//   so the builder can give a precise message instead of a generic syntax
//   error. It is never less permissive than Cedar.
// - Positional keywords (permit forbid when unless principal action resource
//   context) are tokens of their own but are accepted wherever an identifier
//   is (`ident`). Reserved words (true false if then else in has like is) are
//   accepted where Cedar's grammar accepts them (`anyIdent`) and rejected by
//   the builder.
// - Unbounded recursion only happens through brackets and nested `if`; the
//   builder bounds both with a token pre-scan before this parser runs.
grammar Larch;

// ---------------------------------------------------------------- policies

// One policy. Files are split into policies by the builder (for error
// recovery), which calls this rule once per policy.
policy
  : annotation* effect=anyIdent '(' (scopeVar (',' scopeVar)* ','?)? ')'
    condition* ';'
  ;

// Whole-input rules, used for `parseExpression` and as documentation.
policies : policy* EOF ;
exprEOF : expr EOF ;

annotation : '@' anyIdent ('(' STRING ')')? ;

// `principal`, `principal == ?principal`, `principal is T in x`,
// `action in [..]`, ... The type after `:` is not Cedar syntax but is parsed
// to explain that `is` should be used.
scopeVar
  : anyIdent (':' path)? (IS add)? (relOp expr)?
  ;

condition : anyIdent '{' expr? '}' ;

// -------------------------------------------------------------- expressions

expr
  : IF expr THEN expr ELSE expr   # IfExpr
  | orExpr                        # PlainExpr
  ;

orExpr : andExpr ('||' andExpr)* ;
andExpr : relation ('&&' relation)* ;

relation
  : add ( (relOp add)+
        | HAS (add | IF memAccess*)
        | LIKE add
        | IS add (IN add)?
        )?
  ;

relOp : '<' | '<=' | '>=' | '>' | '!=' | '==' | IN | '=' ;

add : mult (addOp mult)* ;
addOp : '+' | '-' ;
mult : unary (multOp unary)* ;
multOp : '*' | '/' | '%' ;

// Cedar allows a run of `!` or a run of `-`, not a mix.
unary
  : '!'+ member
  | '-'+ member
  | member
  ;

member : primary memAccess* ;

memAccess
  : '.' anyIdent                                   # FieldAccess
  | '(' (expr (',' expr)* ','?)? ')'               # CallAccess
  | '[' expr ']'                                   # IndexAccess
  ;

primary
  : literal                                        # LiteralPrimary
  | path '::' STRING                               # EntityPrimary
  | path '::' '{' (refInit (',' refInit)* ','?)? '}'  # EntityInitsPrimary
  | path                                           # NamePrimary
  | slot                                           # SlotPrimary
  | '(' expr ')'                                   # ParenPrimary
  | '[' (expr (',' expr)* ','?)? ']'               # SetPrimary
  | '{' (recInit (',' recInit)* ','?)? '}'         # RecordPrimary
  ;

literal : TRUE | FALSE | INT | STRING ;

slot : PRINCIPAL_SLOT | RESOURCE_SLOT | OTHER_SLOT ;

// `A::B::C`. A path may start with `if`, `true` or `false` only when it has
// more segments (so `true` alone stays a literal and `if` starts an `if`).
path
  : commonIdent ('::' anyIdent)*
  | specialIdent ('::' anyIdent)+
  ;

refInit : anyIdent ':' literal ;

// A record key is parsed as an expression and checked by the builder.
recInit
  : IF ':' expr
  | expr ':' expr
  ;

// ------------------------------------------------------------- identifiers

// Identifiers that are keywords only by position.
ident
  : IDENT | PERMIT | FORBID | WHEN | UNLESS
  | PRINCIPAL | ACTION | RESOURCE | CONTEXT
  ;
// What Cedar's grammar accepts as a name segment (reserved words included,
// rejected later) except the three that start other constructs.
commonIdent : ident | IN | HAS | LIKE | IS | THEN | ELSE ;
specialIdent : IF | TRUE | FALSE ;
anyIdent : commonIdent | specialIdent ;

// ------------------------------------------------------------------ tokens

TRUE : 'true' ;
FALSE : 'false' ;
IF : 'if' ;
THEN : 'then' ;
ELSE : 'else' ;
IN : 'in' ;
HAS : 'has' ;
LIKE : 'like' ;
IS : 'is' ;
PERMIT : 'permit' ;
FORBID : 'forbid' ;
WHEN : 'when' ;
UNLESS : 'unless' ;
PRINCIPAL : 'principal' ;
ACTION : 'action' ;
RESOURCE : 'resource' ;
CONTEXT : 'context' ;

PRINCIPAL_SLOT : '?principal' ;
RESOURCE_SLOT : '?resource' ;
OTHER_SLOT : '?' [_a-zA-Z] [_a-zA-Z0-9]* ;

IDENT : [_a-zA-Z] [_a-zA-Z0-9]* ;
INT : [0-9]+ ;
// Raw newlines are allowed inside strings; escapes are checked by the builder.
STRING : '"' ( '\\' . | ~["\\] )* '"' ;
// A string that runs to the end of the input (reported by the builder).
UNTERMINATED_STRING : '"' ( '\\' . | ~["\\] )* '\\'? ;

AT : '@' ;
DOT : '.' ;
COMMA : ',' ;
SEMI : ';' ;
COLONCOLON : '::' ;
COLON : ':' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACE : '{' ;
RBRACE : '}' ;
LBRACKET : '[' ;
RBRACKET : ']' ;
EQ : '==' ;
NE : '!=' ;
LE : '<=' ;
GE : '>=' ;
LT : '<' ;
GT : '>' ;
OR : '||' ;
AND : '&&' ;
PLUS : '+' ;
MINUS : '-' ;
STAR : '*' ;
SLASH : '/' ;
PERCENT : '%' ;
BANG : '!' ;
ASSIGN : '=' ;

COMMENT : '//' ~[\r\n]* -> skip ;
WS : [\p{White_Space}]+ -> skip ;

// Anything else is one invalid character (reported by the builder).
INVALID_CHAR : . ;
