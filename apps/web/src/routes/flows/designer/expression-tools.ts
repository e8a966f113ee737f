// The flow package's parser, guards and sandboxed evaluator (with zod, JSONata and RE2 under them:
// about 100 KB gzip) as one chunk, loaded when the first expression editor appears rather than with
// the canvas. Import it only through useExpressionTools.
export { checkExpressionSyntax, evaluateExpression, expressionReferences, isExpressionError } from '@qiao/flow';
