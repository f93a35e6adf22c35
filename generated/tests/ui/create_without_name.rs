// A customer group cannot be created without its required `name`.
use commercelayer::customer_groups::CustomerGroupCreate;

fn main() {
    let _ = CustomerGroupCreate::new();
}
