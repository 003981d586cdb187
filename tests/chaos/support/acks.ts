/** Money as the API answers it. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** An order the API acknowledged placing (POST /v1/orders or a cart checkout, 201 or 202). */
export interface OrderAck {
  readonly kind: 'order';
  readonly orderId: string;
  readonly customerId: string;
  readonly status: 'confirmed' | 'rejected' | 'pending';
  readonly reason?: string;
  readonly total: Money;
  readonly position: string;
  readonly couponCode?: string;
  readonly cartId?: string;
  readonly key?: string;
}

export type Ack =
  | OrderAck
  | { readonly kind: 'cancel'; readonly orderId: string; readonly position: string }
  | { readonly kind: 'ship'; readonly orderId: string; readonly position: string }
  | { readonly kind: 'deliver'; readonly orderId: string; readonly position: string }
  | {
      readonly kind: 'refund';
      readonly orderId: string;
      readonly refundId: string;
      readonly amount: number;
      readonly position: string;
    }
  | {
      readonly kind: 'receive';
      readonly productId: string;
      readonly quantity: number;
      readonly position: string;
    }
  | {
      readonly kind: 'adjust';
      readonly productId: string;
      readonly delta: number;
      readonly position: string;
    }
  | { readonly kind: 'cart-open'; readonly cartId: string; readonly position: string }
  | {
      readonly kind: 'cart-add';
      readonly cartId: string;
      readonly productId: string;
      readonly quantity: number;
      readonly position: string;
    };

export type AckKind = Ack['kind'];
