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
  : annotations+=annotation* effect=anyIdent
    '(' (vars+=scopeVar (',' vars+=scopeVar)* ','?)? ')'
    conditions+=condition* ';'
  ;

// Whole-input rules, used for `parseExpression` and as documentation.
policies : policy* EOF ;
exprEOF : expr EOF ;

annotation : '@' key=anyIdent ('(' value=STRING ')')? ;

// `principal`, `principal == ?principal`, `principal is T in x`,
// `action in [..]`, ... The type after `:` is not Cedar syntax but is parsed
// to explain that `is` should be used.
scopeVar
  : var=anyIdent (colon=':' typeAnnotation=path)? (isKw=IS isType=add)?
    (op=relOp rhs=expr)?
  ;

condition : keyword=anyIdent '{' body=expr? '}' ;

// -------------------------------------------------------------- expressions

expr
  : IF cond=expr THEN thenExpr=expr ELSE elseExpr=expr   # IfExpr
  | inner=orExpr                                         # PlainExpr
  ;

orExpr : operands+=andExpr ('||' operands+=andExpr)* ;
andExpr : operands+=relation ('&&' operands+=relation)* ;

relation
  : lhs=add ( (ops+=relOp rhs+=add)+
            | hasKw=HAS (hasRhs=add | hasIf=IF memAccess*)
            | likeKw=LIKE pattern=add
            | isKw=IS isType=add (inKw=IN inRhs=add)?
            )?
  ;

relOp : op=('<' | '<=' | '>=' | '>' | '!=' | '==' | IN | '=') ;

add : operands+=mult (ops+=addOp operands+=mult)* ;
addOp : op=('+' | '-') ;
mult : operands+=unary (ops+=multOp operands+=unary)* ;
multOp : op=('*' | '/' | '%') ;

// Cedar allows a run of `!` or a run of `-`, not a mix.
unary
  : bangs+='!'+ operand=member
  | dashes+='-'+ operand=member
  | operand=member
  ;

member : head=primary accesses+=memAccess* ;

memAccess
  : '.' field=anyIdent                             # FieldAccess
  | '(' (args+=expr (',' args+=expr)* ','?)? ')'   # CallAccess
  | '[' index=expr ']'                             # IndexAccess
  ;

primary
  : lit=literal                                    # LiteralPrimary
  | type=path '::' id=STRING                       # EntityPrimary
  | type=path '::' '{' (refInit (',' refInit)* ','?)? '}'  # EntityInitsPrimary
  | name=path                                      # NamePrimary
  | slotRef=slot                                   # SlotPrimary
  | '(' inner=expr ')'                             # ParenPrimary
  | '[' (elems+=expr (',' elems+=expr)* ','?)? ']' # SetPrimary
  | '{' (entries+=recInit (',' entries+=recInit)* ','?)? '}'  # RecordPrimary
  ;

literal : tok=(TRUE | FALSE | INT | STRING) ;

slot : tok=(PRINCIPAL_SLOT | RESOURCE_SLOT | OTHER_SLOT) ;

// `A::B::C`. A path may start with `if`, `true` or `false` only when it has
// more segments (so `true` alone stays a literal and `if` starts an `if`).
path
  : commonIdent ('::' rest+=anyIdent)*
  | specialIdent ('::' rest+=anyIdent)+
  ;

refInit : anyIdent ':' literal ;

// A record key is parsed as an expression and checked by the builder.
recInit
  : ifKey=IF ':' value=expr
  | key=expr ':' value=expr
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
