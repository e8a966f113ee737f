// The reference flow's field mapping, in plain JavaScript so the bare-Node ceiling and Node-RED's
// function node run exactly the same code (Node-RED gets its source text). Qiao's flow states the
// same mapping in JSONata (ORDER_TO_DOCUMENT in reference-flow.ts).
export function mapOrder(order) {
  return {
    billNo: order.orderNo,
    date: order.orderDate,
    customer: { number: order.customer.code },
    currency: 'CNY',
    entries: order.lines.map(function (line) {
      return { material: { number: line.material }, qty: line.quantity, taxPrice: line.taxPrice, warehouse: { number: line.warehouse } };
    }),
  };
}
